from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from smmpanel.errors import DomainError


class WebhookErrorCode(StrEnum):
    MALFORMED = "malformed"
    SCHEME = "scheme"
    NO_HOST = "no_host"
    CREDENTIALS = "credentials"
    UNRESOLVABLE = "unresolvable"
    PRIVATE_ADDRESS = "private_address"
    TOO_LONG = "too_long"
    NO_WEBHOOK = "no_webhook"


MESSAGES = {
    WebhookErrorCode.MALFORMED: _("The webhook URL is malformed."),
    WebhookErrorCode.SCHEME: _("A webhook URL must start with http:// or https://."),
    WebhookErrorCode.NO_HOST: _("The webhook URL has no host."),
    WebhookErrorCode.CREDENTIALS: _("A webhook URL must not carry a user name or password."),
    WebhookErrorCode.UNRESOLVABLE: _("The host {host} can not be resolved."),
    WebhookErrorCode.PRIVATE_ADDRESS: _(
        "The host {host} is a private, loopback or reserved address: events are sent only to "
        "public addresses."
    ),
    WebhookErrorCode.TOO_LONG: _("The webhook URL is too long (at most {max} characters)."),
    WebhookErrorCode.NO_WEBHOOK: _("There is no webhook to change: set a URL first."),
}


class WebhookError(DomainError):
    messages = MESSAGES
