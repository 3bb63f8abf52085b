"""What customers read: announcements in their language (else English), the FAQ and the terms
as the operator wrote them (else the default), and never the HTML a text carries."""

import pytest
from django.conf import settings
from django.test import Client

from smmpanel.pages import actions
from smmpanel.pages.models import Announcement
from tests.pages.conftest import reader

pytestmark = pytest.mark.django_db


def test_announcements_in_the_readers_language_with_english_fallback(actor, customer):
    first = actions.create_announcement(
        acting_user=actor, publish=True, title_en="Maintenance", title_id="Pemeliharaan"
    )
    actions.create_announcement(
        acting_user=actor,
        publish=True,
        title_en="New services",
        title_vi="Dịch vụ mới",
        body_en="Cheaper *likes*",
        body_vi="Lượt thích *rẻ hơn*",
    )
    actions.create_announcement(acting_user=actor, title_en="Draft, not shown")

    page = reader(customer, "vi").get("/announcements/").content.decode()
    assert "Dịch vụ mới" in page and "Lượt thích <em>rẻ hơn</em>" in page
    assert "Maintenance" in page  # no Vietnamese title: the English one
    assert "Draft, not shown" not in page
    assert page.index("Dịch vụ mới") < page.index("Maintenance")  # newest first

    page = reader(customer, "id").get("/announcements/").content.decode()
    assert "Pemeliharaan" in page and "New services" in page and "Cheaper <em>likes</em>" in page
    assert first.title_en not in page


def test_announcements_need_a_log_in(db):
    response = Client().get("/announcements/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_faq_and_terms_edited_in_the_back_office_are_shown(admin_op, customer):
    response = admin_op.post(
        "/backoffice/pages/faq/",
        {"body_en": "## Refunds\n\nWithin **24 hours**.", "body_id": "## Pengembalian dana"},
    )
    assert response.status_code == 302
    admin_op.post("/backoffice/pages/terms/", {"body_en": "Be *nice*."})

    visitor = Client()
    visitor.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    faq = visitor.get("/faq/").content.decode()
    assert "<h2>Refunds</h2>" in faq and "<strong>24 hours</strong>" in faq
    assert "Be <em>nice</em>." in visitor.get("/terms/").content.decode()
    assert "<h2>Pengembalian dana</h2>" in reader(customer, "id").get("/faq/").content.decode()
    # No Vietnamese text: the English one.
    assert "<h2>Refunds</h2>" in reader(customer, "vi").get("/faq/").content.decode()


def test_hostile_markup_is_neutralised(actor, customer):
    hostile = (
        "<script>alert(1)</script>\n\n"
        '<img src=x onerror="alert(2)">\n\n'
        "[click](javascript:alert(3))\n\n"
        '<a href="https://example.com" onclick="alert(4)">ok</a>\n\n'
        "<iframe src='https://evil.example'></iframe>"
    )
    actions.edit_site_page(acting_user=actor, kind="terms", body_en=hostile)
    actions.create_announcement(
        acting_user=actor, publish=True, title_en="<b>Title</b>", body_en=hostile
    )
    for url in ("/terms/", "/announcements/", "/dashboard/"):
        page = reader(customer, "en").get(url).content.decode()
        main = page[page.index("<main") : page.index("</main>")]
        for bad in ("<script", "onerror", "javascript:", "onclick", "<iframe", "<img"):
            assert bad not in main, (url, bad)
        if url != "/terms/":
            assert "&lt;b&gt;Title&lt;/b&gt;" in main  # a title is plain text
        assert 'href="https://example.com"' in main and 'rel="nofollow noopener noreferrer"' in main


@pytest.mark.parametrize(
    ("language", "faq", "terms"),
    [
        ("en", "How do I place an order?", "Terms of service"),
        ("id", "Bagaimana cara memesan?", "Ketentuan layanan"),
        ("vi", "Làm thế nào để đặt đơn?", "Điều khoản dịch vụ"),
    ],
)
def test_default_faq_and_terms_when_the_operator_wrote_nothing(db, language, faq, terms):
    visitor = Client()
    visitor.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    assert faq in visitor.get("/faq/").content.decode()
    assert terms in visitor.get("/terms/").content.decode()


def test_footer_links_faq_and_terms_on_public_and_customer_pages(customer):
    for client, url in ((Client(), "/accounts/login/"), (reader(customer, "en"), "/orders/")):
        page = client.get(url).content.decode()
        assert 'href="/faq/"' in page and 'href="/terms/"' in page


def test_the_back_office_publishes_edits_and_deletes(admin_op, customer):
    response = admin_op.post(
        "/backoffice/announcements/new/",
        {"title_en": "Hello", "body_en": "World", "publish": "on"},
    )
    assert response.status_code == 302
    made = Announcement.objects.get()
    assert made.published_at is not None
    assert "Hello" in reader(customer, "en").get("/dashboard/").content.decode()
    # A title no CSRF token can hold (they are letters and digits): "Hi" alone was found in one.
    admin_op.post(f"/backoffice/announcements/{made.pk}/", {"title_en": "Hi there", "body_en": "W"})
    made.refresh_from_db()
    assert made.title_en == "Hi there"
    admin_op.post(f"/backoffice/announcements/{made.pk}/publish/", {"published": "0"})
    assert "Hi there" not in reader(customer, "en").get("/announcements/").content.decode()
    admin_op.post(f"/backoffice/announcements/{made.pk}/delete/")
    listing = admin_op.get("/backoffice/announcements/")
    assert listing.status_code == 200 and f'data-announcement="{made.pk}"' not in (
        listing.content.decode()
    )


def test_support_may_not_write_announcements(support_op):
    assert support_op.get("/backoffice/announcements/").status_code == 403
    assert support_op.post("/backoffice/pages/faq/", {"body_en": "x"}).status_code == 403
