"""The operator's decisions about announcements and the FAQ and terms pages.

Each is one action: keyword arguments, `acting_user`, the row locked and re-read, no write and
no audit entry when nothing changes, the entry (before -> after) in the action's transaction."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from smmpanel.audit.log import Actor, record, snapshot
from smmpanel.pages.errors import PagesError, PagesErrorCode
from smmpanel.pages.models import Announcement, SitePage
from smmpanel.pages.texts import MAX_LENGTH, language_fields

TITLE_FIELDS = tuple(language_fields("title"))
BODY_FIELDS = tuple(language_fields("body"))
ANNOUNCEMENT_FIELDS = (*TITLE_FIELDS, *BODY_FIELDS)
TITLE_MAX_LENGTH = 200


def _checked_texts(texts: dict[str, str], fields: tuple[str, ...]) -> dict[str, str]:
    unknown = set(texts) - set(fields)
    if unknown:
        raise TypeError(f"Not a text of this object: {', '.join(sorted(unknown))}")
    cleaned = {name: str(texts.get(name) or "").replace("\x00", "").strip() for name in fields}
    for name, text in cleaned.items():
        limit = TITLE_MAX_LENGTH if name.startswith("title_") else MAX_LENGTH
        if len(text) > limit:
            raise PagesError(PagesErrorCode.TEXT_TOO_LONG, limit=limit)
    return cleaned


def _announcement_texts(texts: dict[str, str]) -> dict[str, str]:
    cleaned = _checked_texts(texts, ANNOUNCEMENT_FIELDS)
    if not cleaned["title_en"]:
        raise PagesError(PagesErrorCode.TITLE_REQUIRED)
    return cleaned


def _state(announcement: Announcement) -> dict:
    return {
        **snapshot(announcement, ANNOUNCEMENT_FIELDS),
        "published": announcement.published_at is not None,
    }


def create_announcement(*, acting_user: Actor, publish: bool = False, **texts: str) -> Announcement:
    """A new announcement (a draft unless `publish`), recorded as "announcement.create".
    PagesError when the English title is missing or a text is too long; nothing written then."""
    values = _announcement_texts(texts)
    with transaction.atomic():
        announcement = Announcement.objects.create(
            **values, published_at=timezone.now() if publish else None
        )
        record(acting_user, "announcement.create", obj=announcement, after=_state(announcement))
    return announcement


def edit_announcement(*, acting_user: Actor, announcement_id: int, **texts: str) -> Announcement:
    """Change the texts given (the others stay), recorded as "announcement.edit"; the same texts
    change nothing. Its publication stays as it was."""
    with transaction.atomic():
        announcement = Announcement.objects.select_for_update().get(pk=announcement_id)
        before = _state(announcement)
        current = {name: before[name] for name in ANNOUNCEMENT_FIELDS}
        values = _announcement_texts({**current, **texts})
        if all(getattr(announcement, name) == value for name, value in values.items()):
            return announcement
        for name, value in values.items():
            setattr(announcement, name, value)
        announcement.save()
        record(
            acting_user,
            "announcement.edit",
            obj=announcement,
            before=before,
            after=_state(announcement),
        )
    return announcement


def publish_announcement(
    *, acting_user: Actor, announcement_id: int, published: bool = True
) -> Announcement:
    """Show an announcement to customers (from now, as the newest) or take it back to a draft;
    recorded as "announcement.publish" or "announcement.unpublish". Asking for the state it
    already has changes nothing."""
    with transaction.atomic():
        announcement = Announcement.objects.select_for_update().get(pk=announcement_id)
        if (announcement.published_at is not None) == published:
            return announcement
        before = _state(announcement)
        announcement.published_at = timezone.now() if published else None
        announcement.save(update_fields=["published_at", "updated_at"])
        action = "announcement.publish" if published else "announcement.unpublish"
        record(acting_user, action, obj=announcement, before=before, after=_state(announcement))
    return announcement


def delete_announcement(*, acting_user: Actor, announcement_id: int) -> bool:
    """Delete an announcement, recorded as "announcement.delete" with what it said. False (and
    nothing recorded) when it was already gone."""
    with transaction.atomic():
        announcement = Announcement.objects.select_for_update().filter(pk=announcement_id).first()
        if announcement is None:
            return False
        before = _state(announcement)
        record(acting_user, "announcement.delete", obj=announcement, before=before)
        announcement.delete()
    return True


def _new_page(kind: str) -> SitePage:
    try:
        with transaction.atomic():
            return SitePage.objects.create(kind=kind)
    except IntegrityError:  # made meanwhile by another request: lock that one
        return SitePage.objects.select_for_update().get(kind=kind)


def edit_site_page(*, acting_user: Actor, kind: str, **texts: str) -> SitePage:
    """Set the FAQ's or the terms' texts given, per language (Markdown; empty: the English
    text, else the panel's default; a language not given stays), recorded as "site_page.edit".
    The same texts change nothing (and an unsaved page stays unsaved). PagesError for another
    kind of page or a text too long."""
    if kind not in SitePage.Kind.values:
        raise PagesError(PagesErrorCode.UNKNOWN_PAGE)
    with transaction.atomic():
        page = SitePage.objects.select_for_update().filter(kind=kind).first()
        before = snapshot(page or SitePage(kind=kind), BODY_FIELDS)
        values = _checked_texts({**before, **texts}, BODY_FIELDS)
        if before == values:
            return page or SitePage(kind=kind)
        page = page or _new_page(kind)
        for name, value in values.items():
            setattr(page, name, value)
        page.save()
        record(acting_user, "site_page.edit", obj=page, object_id=kind, before=before, after=values)
    return page
