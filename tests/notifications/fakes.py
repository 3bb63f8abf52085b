"""Real servers for the notifications' outside services: an SMTP server (aiosmtpd) and the
Telegram Bot API over real HTTP.

The Bot API fake follows https://core.telegram.org/bots/api:
- "Making requests": `POST /bot<token>/<method>` with a JSON body; the reply is a JSON object
  with `ok`; on success `result`, on failure `error_code` and `description` (and `parameters`
  with `retry_after` for flood control, "ResponseParameters"). A bad token gets 401 Unauthorized.
- "getMe": the bot as a User (`id`, `is_bot`, `first_name`, `username`).
- "getUpdates": Updates with `update_id` >= `offset`, in order; an update is confirmed (dropped)
  once getUpdates is called with an offset higher than its id. `timeout` 0 is short polling.
- "sendMessage": `chat_id`, `text`, optional `parse_mode`; returns the sent Message.
"""

import itertools
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from tests.conftest import free_port
from tests.payments.fakes.base import FakeGateway, Received, Reply

TOKEN = "123456:TEST-token"
BOT_USERNAME = "smmpanel_test_bot"


@dataclass
class SmtpInbox:
    """aiosmtpd's handler: keeps each message; the first `fail` DATA commands get a 451."""

    messages: list[EmailMessage] = field(default_factory=list)
    fail: int = 0

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's name
        if self.fail > 0:
            self.fail -= 1
            return "451 4.3.0 Try again later"
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append(message)  # type: ignore[arg-type]
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


class SmtpServer:
    """A real SMTP server on 127.0.0.1 while the block runs."""

    def __init__(self) -> None:
        self.inbox = SmtpInbox()
        self.port = free_port()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> "SmtpServer":
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


class FakeTelegram(FakeGateway):
    def __init__(self) -> None:
        super().__init__()
        self.sent: list[dict] = []
        self.updates: list[dict] = []
        self.fail = 0
        self._ids = itertools.count(1)

    def route_table(self):
        return [("POST", r"/bot(?P<token>[^/]+)/(?P<method>\w+)", self.handle)]

    @staticmethod
    def error(code: int, description: str, **parameters: object) -> Reply:
        body: dict = {"ok": False, "error_code": code, "description": description}
        if parameters:
            body["parameters"] = parameters
        return Reply(code, body)

    def handle(self, received: Received) -> Reply:
        if received.match["token"] != TOKEN:
            return self.error(401, "Unauthorized")
        method = received.match["method"]
        payload = received.json() or {}
        if method == "getMe":
            bot = {"id": 123456, "is_bot": True, "first_name": "Panel", "username": BOT_USERNAME}
            return Reply(200, {"ok": True, "result": bot})
        if method == "getUpdates":
            offset = int(payload.get("offset") or 0)
            if offset:
                self.updates = [u for u in self.updates if u["update_id"] >= offset]
            return Reply(200, {"ok": True, "result": list(self.updates)})
        if method == "sendMessage":
            if not payload.get("chat_id") or not payload.get("text"):
                return self.error(400, "Bad Request: message text is empty")
            if self.fail > 0:
                self.fail -= 1
                return self.error(429, "Too Many Requests: retry after 1", retry_after=1)
            self.sent.append(payload)
            message = {
                "message_id": next(self._ids),
                "date": int(time.time()),
                "chat": {"id": payload["chat_id"], "type": "private"},
                "text": payload["text"],
            }
            return Reply(200, {"ok": True, "result": message})
        return self.error(404, "Not Found")

    def user_sends(self, chat_id: int, text: str) -> None:
        """A user writes to the bot: an Update with a private Message."""
        update_id = 1000 + len(self.updates) + len(self.sent) + next(self._ids)
        self.updates.append(
            {
                "update_id": update_id,
                "message": {
                    "message_id": update_id,
                    "date": int(time.time()),
                    "chat": {"id": chat_id, "type": "private", "first_name": "A"},
                    "from": {"id": chat_id, "is_bot": False, "first_name": "A"},
                    "text": text,
                },
            }
        )
