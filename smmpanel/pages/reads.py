"""What customers read: the published announcements and the FAQ and terms texts."""

from django.db.models import QuerySet

from smmpanel.pages.models import Announcement, SitePage
from smmpanel.pages.texts import in_language


def published_announcements() -> QuerySet[Announcement]:
    """Published announcements, newest first."""
    return Announcement.objects.filter(published_at__isnull=False).order_by("-published_at", "-pk")


def latest_announcement() -> Announcement | None:
    return published_announcements().first()


def site_page_text(kind: str, language: str | None = None) -> str:
    """The operator's text of the FAQ or the terms in `language` (else English); "" when the
    operator wrote none: the page then shows the panel's default."""
    page = SitePage.objects.filter(kind=kind).first()
    return in_language(page, "body", language) if page is not None else ""
