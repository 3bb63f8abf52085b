"""The worker's look at the bot's new messages (`getUpdates`, no long poll: timeout 0), for
customers linking their chat with `/start CODE`. The offset is kept in the database (one
`TelegramPoll` row, claimed like other due work, so one worker polls at a time): each update is
read once ("getUpdates": an update is confirmed by calling it with a higher offset)."""

import logging
from datetime import datetime, timedelta

from django.conf import settings

from smmpanel.notifications import telegram
from smmpanel.notifications.models import TelegramPoll
from smmpanel.notifications.preferences import link_chat
from smmpanel.worker.claims import claim_due, release

logger = logging.getLogger(__name__)


def _start_code(update: dict) -> tuple[str, str] | None:
    """(code, chat id) of a private `/start CODE` message, else None."""
    message = update.get("message")
    if not isinstance(message, dict):
        return None
    text, chat = message.get("text"), message.get("chat")
    if not isinstance(text, str) or not isinstance(chat, dict) or chat.get("type") != "private":
        return None
    words = text.split()
    if len(words) != 2 or words[0].split("@")[0] != "/start":
        return None
    return words[1], str(chat.get("id", ""))


def read_updates(poll: TelegramPoll) -> int:
    """Read the bot's updates after the stored offset and link chats by their codes; returns
    how many updates were read. TelegramError when Telegram can't be asked."""
    if not poll.bot_username and not settings.TELEGRAM_BOT_USERNAME:
        username = str(telegram.get_me().get("username", ""))
        TelegramPoll.objects.filter(pk=poll.pk).update(bot_username=username[:64])
    updates = telegram.call(
        "getUpdates", {"offset": poll.offset, "timeout": 0, "allowed_updates": ["message"]}
    )
    if not isinstance(updates, list) or not updates:
        return 0
    for update in updates:
        found = _start_code(update) if isinstance(update, dict) else None
        if found and found[1]:
            account = link_chat(code=found[0], chat_id=found[1])
            logger.info("telegram: %s", f"linked {account}" if account else "an unknown code")
    last = max(int(update.get("update_id", 0)) for update in updates if isinstance(update, dict))
    TelegramPoll.objects.filter(pk=poll.pk).update(offset=max(poll.offset, last + 1))
    return len(updates)


def poll_telegram(now: datetime) -> int:
    """The worker's step: read the updates when the bot is configured and the poll is due."""
    if not settings.TELEGRAM_BOT_TOKEN:
        return 0
    ids = claim_due(TelegramPoll, now, 1)
    if not ids:
        if not TelegramPoll.objects.exists():
            TelegramPoll.objects.create(next_attempt_at=now)
        return 0
    next_time = now + timedelta(seconds=settings.TELEGRAM_POLL_SECONDS)
    try:
        read_updates(TelegramPoll.objects.get(pk=ids[0]))
    except telegram.TelegramError as error:
        logger.warning("telegram: getUpdates failed: %s", error)
    finally:
        release(TelegramPoll, ids[0], next_time)
    return 1
