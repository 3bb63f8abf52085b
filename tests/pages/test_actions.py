"""Each decision about announcements and pages records itself, once, and only when it changes."""

import pytest

from smmpanel.audit.models import AuditEntry
from smmpanel.pages import actions
from smmpanel.pages.errors import PagesError, PagesErrorCode
from smmpanel.pages.models import Announcement, SitePage
from smmpanel.pages.texts import in_language

pytestmark = pytest.mark.django_db


def test_create_records_the_texts_and_a_draft_is_not_published(actor):
    made = actions.create_announcement(acting_user=actor, title_en="Hello", body_vi="Xin chào")
    assert made.published_at is None
    entry = AuditEntry.objects.get()
    assert entry.action == "announcement.create"
    assert entry.object_id == str(made.pk)
    assert entry.after["title_en"] == "Hello"
    assert entry.after["body_vi"] == "Xin chào"
    assert entry.after["published"] is False


def test_create_without_an_english_title_writes_nothing(actor):
    with pytest.raises(PagesError) as refused:
        actions.create_announcement(acting_user=actor, title_en="  ", title_id="Halo")
    assert refused.value.code == PagesErrorCode.TITLE_REQUIRED
    assert not Announcement.objects.exists()
    assert not AuditEntry.objects.exists()


def test_a_title_too_long_is_refused(actor):
    with pytest.raises(PagesError) as refused:
        actions.create_announcement(acting_user=actor, title_en="x" * 201)
    assert refused.value.code == PagesErrorCode.TEXT_TOO_LONG


def test_edit_records_before_and_after_and_the_same_texts_change_nothing(actor):
    made = actions.create_announcement(acting_user=actor, title_en="Hello")
    actions.edit_announcement(
        acting_user=actor, announcement_id=made.pk, title_en="Hello", title_id="Halo"
    )
    entry = AuditEntry.objects.get(action="announcement.edit")
    assert entry.before["title_id"] == ""
    assert entry.after["title_id"] == "Halo"
    actions.edit_announcement(
        acting_user=actor, announcement_id=made.pk, title_en="Hello", title_id="Halo"
    )
    assert AuditEntry.objects.filter(action="announcement.edit").count() == 1


def test_publish_and_unpublish_record_once(actor):
    made = actions.create_announcement(acting_user=actor, title_en="Hello")
    actions.publish_announcement(acting_user=actor, announcement_id=made.pk)
    actions.publish_announcement(acting_user=actor, announcement_id=made.pk)
    made.refresh_from_db()
    assert made.published_at is not None
    assert AuditEntry.objects.filter(action="announcement.publish").count() == 1
    actions.publish_announcement(acting_user=actor, announcement_id=made.pk, published=False)
    made.refresh_from_db()
    assert made.published_at is None
    entry = AuditEntry.objects.get(action="announcement.unpublish")
    assert entry.before["published"] is True and entry.after["published"] is False


def test_delete_records_what_it_said_and_a_second_delete_nothing(actor):
    made = actions.create_announcement(acting_user=actor, title_en="Bye", body_en="Gone")
    assert actions.delete_announcement(acting_user=actor, announcement_id=made.pk)
    assert not actions.delete_announcement(acting_user=actor, announcement_id=made.pk)
    entry = AuditEntry.objects.get(action="announcement.delete")
    assert entry.before["title_en"] == "Bye"
    assert not Announcement.objects.exists()


def test_edit_site_page_records_and_the_same_texts_change_nothing(actor):
    actions.edit_site_page(acting_user=actor, kind="faq", body_en="Q?", body_id="T?")
    actions.edit_site_page(acting_user=actor, kind="faq", body_en="Q?", body_id="T?")
    entry = AuditEntry.objects.get(action="site_page.edit")
    assert entry.object_id == "faq"
    assert entry.before == {"body_en": "", "body_id": "", "body_vi": ""}
    assert entry.after == {"body_en": "Q?", "body_id": "T?", "body_vi": ""}


def test_saving_an_empty_page_writes_nothing(actor):
    actions.edit_site_page(acting_user=actor, kind="terms", body_en="")
    assert not SitePage.objects.exists()
    assert not AuditEntry.objects.exists()


def test_an_unknown_page_is_refused(actor):
    with pytest.raises(PagesError) as refused:
        actions.edit_site_page(acting_user=actor, kind="privacy", body_en="x")
    assert refused.value.code == PagesErrorCode.UNKNOWN_PAGE


def test_a_text_in_the_language_else_in_english():
    announcement = Announcement(title_en="Hello", title_id="Halo", title_vi=" ")
    assert in_language(announcement, "title", "id") == "Halo"
    assert in_language(announcement, "title", "vi") == "Hello"  # blank: the English one
    assert in_language(announcement, "title", "fr") == "Hello"


def test_an_edit_keeps_the_texts_it_does_not_give(actor):
    made = actions.create_announcement(acting_user=actor, title_en="Hello", body_en="World")
    actions.edit_announcement(acting_user=actor, announcement_id=made.pk, title_vi="Xin chào")
    made.refresh_from_db()
    assert (made.title_en, made.body_en, made.title_vi) == ("Hello", "World", "Xin chào")
    actions.edit_site_page(acting_user=actor, kind="faq", body_en="Q?")
    page = actions.edit_site_page(acting_user=actor, kind="faq", body_vi="Hỏi?")
    assert (page.body_en, page.body_vi) == ("Q?", "Hỏi?")
