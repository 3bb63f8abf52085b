"""The few Telegram Bot API calls the notifications make (https://core.telegram.org/bots/api):
`sendMessage`, `getUpdates`, `getMe`, as `POST {SMMPANEL_TELEGRAM_API_URL}/bot<token>/<method>`
with a JSON body. Every reply is `{"ok": true, "result": …}` or `{"ok": false, "error_code": …,
"description": …, "parameters": {"retry_after": …}}` ("Making requests")."""

import html
from typing import Any

import httpx
from django.conf import settings


class TelegramError(Exception):
    """The call failed: `retry_after` seconds when Telegram asked to wait (error 429)."""

    def __init__(self, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def call(method: str, payload: dict[str, Any]) -> Any:
    """Call a Bot API method; its `result`, or TelegramError."""
    url = f"{settings.TELEGRAM_API_URL.rstrip('/')}/bot{settings.TELEGRAM_BOT_TOKEN}/{method}"
    try:
        response = httpx.post(url, json=payload, timeout=settings.NOTIFY_TIMEOUT_SECONDS)
        reply = response.json()
    except (httpx.HTTPError, ValueError) as error:
        # The token is part of the URL: say what failed without it.
        raise TelegramError(f"{method}: {type(error).__name__}") from None
    if not isinstance(reply, dict) or not reply.get("ok"):
        reply = reply if isinstance(reply, dict) else {}
        parameters = reply.get("parameters") or {}
        retry_after = parameters.get("retry_after") if isinstance(parameters, dict) else None
        raise TelegramError(
            f"{method}: {reply.get('error_code', response.status_code)} "
            f"{reply.get('description', '')}".strip(),
            retry_after=retry_after if isinstance(retry_after, int) else None,
        )
    return reply.get("result")


def message_text(subject: str, body: str) -> str:
    """The message in HTML parse mode: the subject in bold, everything escaped ("Formatting
    options": only <, > and & need escaping, as entities)."""
    return f"<b>{html.escape(subject, quote=False)}</b>\n{html.escape(body, quote=False)}"


def send_message(chat_id: str, subject: str, body: str) -> None:
    call(
        "sendMessage",
        {"chat_id": chat_id, "text": message_text(subject, body), "parse_mode": "HTML"},
    )


def get_me() -> dict:
    """The bot itself (`getMe`: a User, with its `username`)."""
    me = call("getMe", {})
    return me if isinstance(me, dict) else {}
