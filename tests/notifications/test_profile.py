"""The profile's notification part: choices saved, Telegram linked and unlinked, in any language."""

import pytest
from django.urls import reverse

from smmpanel.notifications.models import Preferences
from tests.factories import make_account
from tests.notifications.fakes import BOT_USERNAME

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(client):
    account, _ = make_account()
    client.force_login(account.user)
    return account


def test_the_choices_are_saved_from_the_profile(client, customer):
    page = client.get(reverse("panel:profile"))
    assert b'id="notifications"' in page.content
    assert b'name="order_completed"' in page.content and b"checked" in page.content
    assert b"Link Telegram" not in page.content  # no bot configured
    client.post(reverse("notifications:save"), {"order_partial": "on", "by_email": "on"})
    saved = Preferences.objects.get(account=customer)
    assert saved.order_partial and saved.by_email
    assert not saved.order_completed and not saved.by_telegram


def test_telegram_is_linked_and_unlinked_from_the_profile(client, customer, settings):
    settings.TELEGRAM_BOT_TOKEN = "1:x"
    settings.TELEGRAM_BOT_USERNAME = BOT_USERNAME
    assert b"Link Telegram" in client.get(reverse("panel:profile")).content
    client.post(reverse("notifications:telegram_link"))
    code = Preferences.objects.get(account=customer).telegram_code
    page = client.get(reverse("panel:profile")).content.decode()
    assert f"https://t.me/{BOT_USERNAME}?start={code}" in page
    Preferences.objects.filter(account=customer).update(telegram_chat_id="77")
    assert "Unlink Telegram" in client.get(reverse("panel:profile")).content.decode()
    client.post(reverse("notifications:telegram_unlink"))
    assert Preferences.objects.get(account=customer).telegram_chat_id == ""


def test_the_part_is_translated(client, customer, settings):
    settings.TELEGRAM_BOT_TOKEN = "1:x"
    customer.language = "vi"
    customer.save()
    page = client.get(reverse("panel:profile"), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Thông báo" in page and "Liên kết Telegram" in page


def test_the_forms_take_posts_only(client, customer):
    assert client.get(reverse("notifications:save")).status_code == 405
