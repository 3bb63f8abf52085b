"""Forms of the customer's own account: sign-up and profile."""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _

from smmpanel.accounts.models import Account
from smmpanel.accounts.time_zones import zone_choices


class SignupForm(UserCreationForm):
    email = forms.EmailField(label=_("E-mail"), help_text=_("For password resets."))

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("An account with this e-mail exists; log in instead."))
        return email


class ProfileForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    timezone = forms.ChoiceField(label=_("Time zone"), help_text=_("Dates are shown in it."))
    language = forms.ChoiceField(label=_("Language"), required=False)

    def __init__(self, *args, account: Account, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.account = account
        # The curated list, plus the account's own zone if it predates the list.
        self.fields["timezone"].choices = zone_choices(account.timezone)  # type: ignore[attr-defined]
        self.fields["language"].choices = [  # type: ignore[attr-defined]
            ("", _("As my browser")),
            *settings.LANGUAGES,
        ]

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        others = get_user_model().objects.exclude(pk=self.account.user_id)
        if others.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("Another account uses this e-mail."))
        return email
