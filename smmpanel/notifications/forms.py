"""The profile's notification choices."""

from django import forms
from django.utils.translation import gettext_lazy as _

LABELS = {
    "payment_credited": _("A payment is credited"),
    "order_completed": _("An order is completed"),
    "order_partial": _("An order ends partially completed (with its refund)"),
    "order_canceled": _("An order is canceled (with its refund)"),
    "refill_finished": _("A refill is finished"),
    "ticket_answered": _("A ticket is answered"),
    "by_email": _("By e-mail"),
    "by_telegram": _("By Telegram"),
}


class PreferencesForm(forms.Form):
    """One checkbox per kind and per channel."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for name, label in LABELS.items():
            self.fields[name] = forms.BooleanField(label=label, required=False)

    def kinds(self) -> list[forms.BoundField]:
        return [self[name] for name in LABELS if not name.startswith("by_")]

    def channels(self) -> list[forms.BoundField]:
        return [self[name] for name in LABELS if name.startswith("by_")]
