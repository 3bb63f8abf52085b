"""Manual payment / bank transfer: the customer transfers money outside the panel and submits
the transfer's reference; the operator checks the bank statement and approves or rejects."""

from django.utils.translation import gettext_lazy as _

from smmpanel.payments.gateway import Gateway


class ManualTransfer(Gateway):
    code = "manual"
    label = _("Manual payment / bank transfer")
    needs_reference = True
