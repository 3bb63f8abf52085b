"""The API page: set the webhook (CSRF form), the secret shown once, test event, remove."""

import pytest
from django.test import Client

from smmpanel.audit.models import AuditEntry
from smmpanel.webhooks.models import Event, Webhook
from smmpanel.worker.loop import run_once
from tests.factories import make_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser():
    account, _ = make_account("10", username="sari")
    client = Client(enforce_csrf_checks=True)
    client.force_login(account.user)
    return client


def post(client, path, data=None, **headers):
    token = client.get("/api-access/").cookies["csrftoken"].value
    return client.post(path, {**(data or {}), "csrfmiddlewaretoken": token}, **headers)


def test_setting_the_webhook_shows_the_secret_once_and_a_test_event_arrives(browser, receiver):
    assert browser.post("/api-access/webhook/", {"url": receiver.url}).status_code == 403  # CSRF
    assert (
        post(browser, "/api-access/webhook/", {"url": receiver.url})["Location"] == "/api-access/"
    )
    page = browser.get("/api-access/")
    secret = page.context["new_secret"]
    assert secret and secret in page.content.decode()
    again = browser.get("/api-access/").content.decode()
    assert secret not in again and secret[:4] in again and receiver.url in again
    entry = AuditEntry.objects.get(action="webhook.set")
    assert entry.actor_name == "sari"

    post(browser, "/api-access/webhook/test/")
    run_once()
    assert [e["type"] for e in receiver.events()] == ["webhook.test"]

    post(browser, "/api-access/webhook/secret/")
    assert browser.get("/api-access/").context["new_secret"] not in (None, secret)
    post(browser, "/api-access/webhook/remove/")
    assert not Webhook.objects.exists()


def test_a_refused_url_is_explained_in_the_customers_language(browser, settings):
    settings.ALLOW_PRIVATE_WEBHOOKS = False
    post(
        browser, "/api-access/webhook/", {"url": "http://127.0.0.1/hook"}, HTTP_ACCEPT_LANGUAGE="id"
    )
    page = browser.get("/api-access/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert "127.0.0.1" in page and "alamat" in page.lower()
    assert not Webhook.objects.exists() and not Event.objects.exists()


def test_the_page_documents_events_with_both_receiver_examples(browser):
    page = browser.get("/api-access/").content.decode()
    assert "X-Smmpanel-Signature" in page and "hash_equals" in page and "compare_digest" in page
