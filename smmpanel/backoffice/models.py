from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CatalogImport(models.Model):
    """A provider catalog import started from the back-office, and how far it has got.

    It runs in a background thread of the web process; its progress is kept here, in the
    database, so that any process serving the progress bar can read it.
    """

    class State(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    provider = models.ForeignKey(
        "providers.Provider", on_delete=models.CASCADE, related_name="catalog_imports"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    markup = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.RUNNING)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    report = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"import {self.pk} of {self.provider_id}"
