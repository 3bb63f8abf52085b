from enum import StrEnum

from django.utils.translation import gettext as _

from smmpanel.client import ClientError, ProviderAddressRefused
from smmpanel.netguard import parse_address
from smmpanel.netpolicy import ProviderUrlError, UrlRefusal


class ProviderErrorCode(StrEnum):
    INVALID_NAME = "invalid_name"
    DUPLICATE_NAME = "duplicate_name"
    INVALID_URL = "invalid_url"
    ADDRESS_REFUSED = "address_refused"
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


def address_refused(host: str, address: str) -> ProviderError:
    """The provider's host is (or now resolves to) a private, loopback or reserved address: the
    same words whether it was found when saving it or when connecting to it."""
    if parse_address(host) is not None:
        message = _(
            "The provider's address %(address)s is private, loopback or reserved: the panel "
            "does not connect to it. SMMPANEL_ALLOW_PRIVATE_PROVIDERS=1 allows such providers."
        )
    else:
        message = _(
            "The provider's host %(host)s resolves to %(address)s, a private, loopback or "
            "reserved address: the panel does not connect to it. "
            "SMMPANEL_ALLOW_PRIVATE_PROVIDERS=1 allows such providers."
        )
    return ProviderError(
        ProviderErrorCode.ADDRESS_REFUSED, message % {"host": host, "address": address}
    )


def url_refused(error: ProviderUrlError) -> ProviderError:
    """A URL `netpolicy.check_provider_url` refused, in the reader's language."""
    if error.reason == UrlRefusal.PRIVATE_ADDRESS:
        return address_refused(error.host, error.address)
    messages = {
        UrlRefusal.MALFORMED: _("The URL is malformed."),
        UrlRefusal.SCHEME: _("A provider URL must start with http:// or https://."),
        UrlRefusal.NO_HOST: _("The URL has no host."),
        UrlRefusal.CREDENTIALS: _("A provider URL must not carry a user name or password."),
        UrlRefusal.UNRESOLVABLE: _("The host %(host)s can not be resolved."),
    }
    message = messages[UrlRefusal(error.reason)] % {"host": error.host}
    return ProviderError(ProviderErrorCode.INVALID_URL, message)


def call_failed(error: ClientError) -> ProviderError:
    """A call to the provider that failed: its refused address in the reader's language, else
    the client's own words (which may quote the provider)."""
    if isinstance(error, ProviderAddressRefused):
        return address_refused(error.host, error.address)
    return ProviderError(ProviderErrorCode.CONNECTION_FAILED, error.message)
