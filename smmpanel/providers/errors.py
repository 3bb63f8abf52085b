from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from smmpanel.client import ClientError, ProviderAddressRefused
from smmpanel.errors import DomainError
from smmpanel.netguard import parse_address
from smmpanel.netpolicy import ProviderUrlError, UrlRefusal


class ProviderErrorCode(StrEnum):
    INVALID_NAME = "invalid_name"
    DUPLICATE_NAME = "duplicate_name"
    URL_TOO_LONG = "url_too_long"
    MALFORMED_URL = "malformed_url"
    URL_SCHEME = "url_scheme"
    URL_WITHOUT_HOST = "url_without_host"
    URL_CREDENTIALS = "url_credentials"
    HOST_UNRESOLVABLE = "host_unresolvable"
    # The host resolves (or the URL points) to a private, loopback or reserved address.
    ADDRESS_REFUSED = "address_refused"
    PRIVATE_ADDRESS = "private_address"
    INVALID_KEY = "invalid_key"
    INVALID_DIALECT = "invalid_dialect"
    NOT_A_MARKUP = "not_a_markup"
    INVALID_MARKUP = "invalid_markup"
    INVALID_MIN_MARGIN = "invalid_min_margin"
    INVALID_RISE_LIMIT = "invalid_rise_limit"
    INVALID_SYNC_MINUTES = "invalid_sync_minutes"
    NOT_A_NUMBER = "not_a_number"
    INVALID_EXCHANGE_RATE = "invalid_exchange_rate"
    INVALID_LOW_BALANCE = "invalid_low_balance"
    EXCHANGE_RATE_NEEDED = "exchange_rate_needed"
    INVALID_CATEGORY_MAP = "invalid_category_map"
    UNKNOWN_PROVIDER = "unknown_provider"
    INVALID_ROUTE = "invalid_route"
    UNKNOWN_PROVIDER_SERVICE = "unknown_provider_service"
    CONNECTION_FAILED = "connection_failed"
    NO_DIALECT_WORKED = "no_dialect_worked"
    NOT_IN_REVIEW = "not_in_review"
    EMPTY_UPSTREAM_ID = "empty_upstream_id"
    UPSTREAM_ID_TAKEN = "upstream_id_taken"


# `{reason}` is the client's or the provider's own words: plain text, never translated.
MESSAGES = {
    ProviderErrorCode.INVALID_NAME: _("A name of 1 to 100 characters"),
    ProviderErrorCode.DUPLICATE_NAME: _("A provider {name!r} exists"),
    ProviderErrorCode.URL_TOO_LONG: _("A URL of at most 500 characters"),
    ProviderErrorCode.MALFORMED_URL: _("The URL is malformed."),
    ProviderErrorCode.URL_SCHEME: _("A provider URL must start with http:// or https://."),
    ProviderErrorCode.URL_WITHOUT_HOST: _("The URL has no host."),
    ProviderErrorCode.URL_CREDENTIALS: _("A provider URL must not carry a user name or password."),
    ProviderErrorCode.HOST_UNRESOLVABLE: _("The host {host} can not be resolved."),
    ProviderErrorCode.ADDRESS_REFUSED: _(
        "The provider's host {host} resolves to {address}, a private, loopback or reserved "
        "address: the panel does not connect to it. SMMPANEL_ALLOW_PRIVATE_PROVIDERS=1 allows "
        "such providers."
    ),
    ProviderErrorCode.PRIVATE_ADDRESS: _(
        "The provider's address {address} is private, loopback or reserved: the panel does not "
        "connect to it. SMMPANEL_ALLOW_PRIVATE_PROVIDERS=1 allows such providers."
    ),
    ProviderErrorCode.INVALID_KEY: _("The API key is empty"),
    ProviderErrorCode.INVALID_DIALECT: _("{reason}"),
    ProviderErrorCode.NOT_A_MARKUP: _("Not a markup: {text!r}"),
    ProviderErrorCode.INVALID_MARKUP: _("The markup is a percentage from 0 (sell at cost)"),
    ProviderErrorCode.INVALID_MIN_MARGIN: _("The minimum margin is a percentage from 0"),
    ProviderErrorCode.INVALID_RISE_LIMIT: _("The price rise limit is a percentage from 0"),
    ProviderErrorCode.INVALID_SYNC_MINUTES: _(
        "Minutes between syncs: a whole number from 0 (never) to 525600"
    ),
    ProviderErrorCode.NOT_A_NUMBER: _("Not a number: {text!r}"),
    ProviderErrorCode.INVALID_EXCHANGE_RATE: _("The exchange rate must be > 0"),
    ProviderErrorCode.INVALID_LOW_BALANCE: _("The low-balance mark can't be negative"),
    ProviderErrorCode.EXCHANGE_RATE_NEEDED: _(
        "The provider's currency is {currency}: give its exchange rate to {panel_currency} "
        "(panel units per 1 {currency})"
    ),
    ProviderErrorCode.INVALID_CATEGORY_MAP: _(
        "A category map entry is UPSTREAM=LOCAL, not {entry!r}"
    ),
    ProviderErrorCode.UNKNOWN_PROVIDER: _("No provider named {name!r}"),
    ProviderErrorCode.INVALID_ROUTE: _("A route is PROVIDER:SERVICE_ID"),
    ProviderErrorCode.UNKNOWN_PROVIDER_SERVICE: _(
        "{provider} has no service {service!r}: run `smmpanel provider import {provider}` first"
    ),
    ProviderErrorCode.CONNECTION_FAILED: _("{reason}"),
    ProviderErrorCode.NO_DIALECT_WORKED: _("No dialect worked: {reason}"),
    ProviderErrorCode.NOT_IN_REVIEW: _("Order {order} is not in review"),
    ProviderErrorCode.EMPTY_UPSTREAM_ID: _("The upstream order id is empty"),
    ProviderErrorCode.UPSTREAM_ID_TAKEN: _("Upstream id {upstream_id!r} belongs to another order"),
}


class ProviderError(DomainError):
    """A refused providers operation; nothing was written. Where it quotes the provider (or
    the client's words about it), the quote is a parameter, as plain text."""

    messages = MESSAGES
    code: ProviderErrorCode


def address_refused(host: str, address: str) -> ProviderError:
    """The provider's host is (or now resolves to) a private, loopback or reserved address: the
    same words whether it was found when saving it or when connecting to it."""
    if parse_address(host) is not None:
        return ProviderError(ProviderErrorCode.PRIVATE_ADDRESS, address=address)
    return ProviderError(ProviderErrorCode.ADDRESS_REFUSED, host=host, address=address)


URL_REFUSALS = {
    UrlRefusal.MALFORMED: ProviderErrorCode.MALFORMED_URL,
    UrlRefusal.SCHEME: ProviderErrorCode.URL_SCHEME,
    UrlRefusal.NO_HOST: ProviderErrorCode.URL_WITHOUT_HOST,
    UrlRefusal.CREDENTIALS: ProviderErrorCode.URL_CREDENTIALS,
    UrlRefusal.UNRESOLVABLE: ProviderErrorCode.HOST_UNRESOLVABLE,
}


def url_refused(error: ProviderUrlError) -> ProviderError:
    """A URL `netpolicy.check_provider_url` refused, in the reader's language."""
    if error.reason == UrlRefusal.PRIVATE_ADDRESS:
        return address_refused(error.host, error.address)
    return ProviderError(URL_REFUSALS[UrlRefusal(error.reason)], host=error.host)


def call_failed(error: ClientError) -> ProviderError:
    """A call to the provider that failed: its refused address in the reader's language, else
    the client's own words (which may quote the provider)."""
    if isinstance(error, ProviderAddressRefused):
        return address_refused(error.host, error.address)
    return ProviderError(ProviderErrorCode.CONNECTION_FAILED, reason=error.message)
