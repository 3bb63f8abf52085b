"""Secrets never reach the logs: an API action that fails with the key in its message or its
variables is logged with the key masked, by the handler the panel's logging configures."""

import io
import logging
import sys

import pytest
from django.views.debug import ExceptionReporter

from smmpanel.api.actions import ACTIONS
from smmpanel.api.views import endpoint
from smmpanel.logredact import redact
from tests.factories import make_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def console() -> io.StringIO:
    """What the panel's console handler writes."""
    (handler,) = [h for h in logging.getLogger().handlers if h.get_name() == "console"]
    assert isinstance(handler, logging.StreamHandler)
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def test_a_failing_action_does_not_log_the_key(client, monkeypatch, console):
    _, key = make_account("1")

    def broken(account, params):
        request = {"key": key, "action": "balance"}
        raise RuntimeError(f"upstream refused {request} with key={key} and Bearer {key}")

    monkeypatch.setitem(ACTIONS, "balance", broken)
    reply = client.post("/api/v2", {"key": key, "action": "balance"})
    assert reply.status_code == 500
    logged = console.getvalue()
    assert "API action 'balance' failed" in logged
    assert "RuntimeError: upstream refused" in logged
    assert key not in logged
    assert "********" in logged


def test_error_reports_of_the_endpoint_mask_the_key_and_password(rf, monkeypatch):
    _, key = make_account("1")

    def broken(account, params):
        raise RuntimeError("boom")

    monkeypatch.setitem(ACTIONS, "balance", broken)
    request = rf.post("/api/v2", {"key": key, "password": "pw-456", "action": "balance"})
    assert endpoint(request).status_code == 500
    # Django's error reports (mails to ADMINS, the debug page) read what the endpoint marked.
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        report = ExceptionReporter(request, *sys.exc_info()).get_traceback_text()
    assert "action" in report
    assert key not in report
    assert "pw-456" not in report


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("key=0123abcd&action=add", "0123abcd"),
        ('{"key": "0123abcd"}', "0123abcd"),
        ("{'password': 'hunter2'}", "hunter2"),
        ("Authorization: Bearer tok-999", "tok-999"),
        ("otp_token=123456", "123456"),
        ("api_key: s3cr3t", "s3cr3t"),
    ],
)
def test_secrets_are_masked_in_any_shape(text, secret):
    assert secret not in redact(text)


def test_ordinary_words_are_left_alone():
    text = "monkey=1 keyboard=2 api_key_hint=0a1b2c order=5"
    assert redact(text) == text
