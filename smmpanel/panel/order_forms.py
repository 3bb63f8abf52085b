"""The new-order form: exactly the fields of the service's order type, checked by the same
`orders.validation.check_order` as the API, every error shown beside the field it concerns."""

from datetime import date, datetime
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smmpanel.accounts.errors import AccountError
from smmpanel.catalog.models import Service
from smmpanel.catalog.order_types import FieldKind, OrderType, Quantity, TypeField, spec_for
from smmpanel.orders.errors import OrderError, OrderErrorCode
from smmpanel.orders.validation import OrderDraft, check_order

LABELS = {
    "link": _("Link"),
    "quantity": _("Quantity"),
    "comments": _("Comments, one per line"),
    "usernames": _("Usernames, one per line"),
    "hashtag": _("Hashtag"),
    "username": _("Username"),
    "media": _("Media URL"),
    "answer_number": _("Answer number"),
    "groups": _("Groups, one per line"),
    "min": _("Minimum per post"),
    "max": _("Maximum per post"),
    "posts": _("New posts to serve"),
    "old_posts": _("Old posts"),
    "delay": _("Delay (minutes)"),
    "expiry": _("Expiry date"),
    "country": _("Country"),
    "device": _("Device"),
    "type_of_traffic": _("Type of traffic"),
    "google_keyword": _("Google keyword"),
    "referring_url": _("Referring URL"),
    "runs": _("Runs"),
    "interval": _("Interval (minutes)"),
}
HELP = {
    "posts": _("Leave empty for unlimited."),
    "expiry": _("Leave empty for none."),
    "runs": _("How many times the quantity is delivered; the charge is quantity × runs."),
}
CHOICE_LABELS = {
    "device": {
        1: _("Desktop"),
        2: _("Android"),
        3: _("iOS"),
        4: _("Mixed mobile"),
        5: _("Mixed, all devices"),
    },
    "type_of_traffic": {1: _("Google keyword"), 2: _("Custom referrer"), 3: _("Blank referrer")},
}
# The field an error is about, when its code names one.
ERROR_FIELDS = {
    OrderErrorCode.INCORRECT_LINK: "link",
    OrderErrorCode.INCORRECT_QUANTITY: "quantity",
    OrderErrorCode.QUANTITY_TOO_SMALL: "quantity",
    OrderErrorCode.QUANTITY_TOO_LARGE: "quantity",
    OrderErrorCode.DRIPFEED_NOT_AVAILABLE: "runs",
    OrderErrorCode.INCORRECT_RUNS: "runs",
    OrderErrorCode.INCORRECT_INTERVAL: "interval",
}


def _form_field(type_field: TypeField) -> forms.Field:
    label, help_text = LABELS.get(type_field.name, type_field.name), HELP.get(type_field.name, "")
    attrs = {"required": ""} if type_field.required else {}
    if type_field.kind == FieldKind.LINES:
        widget: forms.Widget = forms.Textarea(attrs={**attrs, "rows": 6})
        return forms.CharField(
            label=label, help_text=help_text, required=False, strip=False, widget=widget
        )
    if type_field.kind == FieldKind.CHOICE:
        names = CHOICE_LABELS.get(type_field.name, {})
        choices = [("", "—")] + [(str(c), names.get(c, str(c))) for c in type_field.choices]
        return forms.ChoiceField(label=label, help_text=help_text, required=False, choices=choices)
    if type_field.kind == FieldKind.INTEGER:
        widget = forms.NumberInput(attrs={**attrs, "min": 0, "inputmode": "numeric"})
    elif type_field.kind == FieldKind.URL:
        widget = forms.URLInput(attrs={**attrs, "inputmode": "url"})
    elif type_field.kind == FieldKind.DATE:
        # The browser's date picker; it sends yyyy-mm-dd, which `clean` turns into the
        # protocol's dd/mm/yyyy (also accepted as typed, where a browser has no picker).
        today = timezone.localdate().isoformat()
        widget = forms.DateInput(attrs={**attrs, "type": "date", "min": today})
    else:
        widget = forms.TextInput(attrs=attrs)
    return forms.CharField(label=label, help_text=help_text, required=False, widget=widget)


class OrderForm(forms.Form):
    """The fields of `service`'s type; `clean()` runs the domain's checks into `self.draft`."""

    def __init__(self, service: Service, *args, rate: Decimal | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.service = service
        # The customer's rate (orders.prices): the preview shows what place_order will charge.
        self.rate = rate
        self.draft: OrderDraft | None = None
        spec = spec_for(service.type)
        if spec.link:
            self.fields["link"] = forms.CharField(
                label=LABELS["link"],
                required=False,
                widget=forms.TextInput(
                    attrs={"required": "", "inputmode": "url", "placeholder": "https://"}
                ),
            )
        if spec.quantity == Quantity.GIVEN:
            self.fields["quantity"] = forms.CharField(
                label=LABELS["quantity"],
                required=False,
                help_text=_("From %(min)s to %(max)s")
                % {"min": service.min_quantity, "max": service.max_quantity},
                widget=forms.NumberInput(
                    attrs={
                        "required": "",
                        "min": service.min_quantity,
                        "max": service.max_quantity,
                        "inputmode": "numeric",
                    }
                ),
            )
        for type_field in spec.fields:
            self.fields[type_field.name] = _form_field(type_field)
        if spec.runs and service.dripfeed:
            for name in ("runs", "interval"):
                self.fields[name] = forms.CharField(
                    label=LABELS[name],
                    help_text=HELP.get(name, ""),
                    required=False,
                    widget=forms.NumberInput(attrs={"min": 1, "inputmode": "numeric"}),
                )

    @property
    def dripfeed_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("runs", "interval") if name in self.fields]

    @property
    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in ("runs", "interval")]

    def params(self) -> dict[str, str]:
        """The order as a request gives it (`orders.placement.place_order`'s params): the
        service's id and the fields filled in."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        filled = {name: str(value) for name, value in data.items() if value not in ("", None)}
        return {"service": str(self.service.pk), **filled}

    def add_domain_error(self, error: OrderError | AccountError) -> None:
        name = None
        if isinstance(error, OrderError):
            name = ERROR_FIELDS.get(error.code) or error.params.get("field")
            if self.service.type == OrderType.SUBSCRIPTIONS and name == "quantity":
                name = "max"
            elif name == "quantity" and spec_for(self.service.type).lines_field:
                # The quantity of a lines type is its number of lines.
                name = spec_for(self.service.type).lines_field
        self.add_error(name if name in self.fields else None, error.message)  # type: ignore[arg-type]

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        for type_field in spec_for(self.service.type).fields:
            if type_field.kind == FieldKind.DATE and cleaned.get(type_field.name):
                cleaned[type_field.name] = protocol_date(cleaned[type_field.name])
        if not self.errors:
            checked = check_order(self.service, self.params(), rate=self.rate)
            self.draft = checked.draft
            for error in checked.errors:
                self.add_domain_error(error)
        return cleaned


def protocol_date(value: str) -> str:
    """A date picker's yyyy-mm-dd as the protocol's dd/mm/yyyy; anything else as it is."""
    try:
        picked: date = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        return value
    return picked.strftime("%d/%m/%Y")
