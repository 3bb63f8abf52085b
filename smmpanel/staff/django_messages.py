"""Messages of Django and django-otp shown on our pages (the staff log-in, truncated texts) that
their own Indonesian or Vietnamese catalogues lack. Listed here so that `makemessages` keeps them
in this app's catalogue, which translates them; nothing imports this module."""

from django.utils.translation import gettext_noop, pgettext_lazy

MESSAGES = [
    gettext_noop("OTP Token:"),
    gettext_noop("Skip to main content"),
    gettext_noop("Breadcrumbs"),
    gettext_noop("Toggle theme (current theme: auto)"),
    gettext_noop("Toggle theme (current theme: light)"),
    gettext_noop("Toggle theme (current theme: dark)"),
    pgettext_lazy("String to return when truncating text", "%(truncated_text)s…"),
]
