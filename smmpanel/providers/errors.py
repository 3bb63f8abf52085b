from enum import StrEnum


class ProviderErrorCode(StrEnum):
    INVALID_NAME = "invalid_name"
    DUPLICATE_NAME = "duplicate_name"
    INVALID_URL = "invalid_url"
    INVALID_KEY = "invalid_key"
    INVALID_DIALECT = "invalid_dialect"
    INVALID_MARKUP = "invalid_markup"
    INVALID_EXCHANGE_RATE = "invalid_exchange_rate"
    INVALID_CATEGORY_MAP = "invalid_category_map"
    UNKNOWN_PROVIDER = "unknown_provider"
    CONNECTION_FAILED = "connection_failed"
    NOT_IN_REVIEW = "not_in_review"


class ProviderError(Exception):
    """A refused providers operation; `message` says why (it may quote the provider, as plain
    text). Nothing was written."""

    def __init__(self, code: ProviderErrorCode, message: str):
        self.code = code
        self.message = message
        super().__init__(message)
