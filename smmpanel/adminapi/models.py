from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StaffApiKey(models.Model):
    """A staff user's Admin API key: only its SHA-256 hash is kept (as customers' keys), and its
    first characters to tell it apart. One per user; a new one replaces it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="admin_api_key",
        verbose_name=_("staff user"),
    )
    key_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(_("key begins with"), max_length=8)
    created_at = models.DateTimeField(_("issued"), auto_now_add=True)

    class Meta:
        verbose_name = _("Admin API key")

    def __str__(self) -> str:
        return f"Admin API key {self.hint}… of user {self.user_id}"
