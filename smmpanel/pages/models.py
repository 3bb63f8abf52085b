"""What the operator writes for customers: announcements, and the FAQ and terms pages.

Each text exists once per language of the panel (`<field>_en`, `_id`, `_vi`); a reader sees their
language's text, else the English one (see `texts.in_language`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Announcement(models.Model):
    title_en = models.CharField(max_length=200)
    title_id = models.CharField(max_length=200, blank=True)
    title_vi = models.CharField(max_length=200, blank=True)
    body_en = models.TextField(blank=True)
    body_id = models.TextField(blank=True)
    body_vi = models.TextField(blank=True)
    # None while a draft: customers see published announcements only, newest first.
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["-published_at"], name="announcement_published")]

    def __str__(self) -> str:
        return self.title_en


class SitePage(models.Model):
    """The FAQ or the terms: one row each, made when the operator first saves it."""

    class Kind(models.TextChoices):
        FAQ = "faq", _("FAQ")
        TERMS = "terms", _("Terms")

    kind = models.CharField(max_length=16, choices=Kind.choices, unique=True)
    body_en = models.TextField(blank=True)
    body_id = models.TextField(blank=True)
    body_vi = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.kind
