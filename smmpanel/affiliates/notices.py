"""What the affiliate pages say after an action succeeds."""

from django.utils.translation import gettext_lazy as _

PAID_TO_BALANCE = _("Your available commissions were added to your balance.")
REQUESTED = _("Your payout request was sent; staff will pay it and let you know.")
PERCENT_SAVED = _("The affiliate's commission percent was saved.")
PAYOUT_APPROVED = _("The payout was marked as paid.")
PAYOUT_DECLINED = _("The payout request was declined; its commissions are available again.")
