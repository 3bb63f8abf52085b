"""A customer's notification choices and their Telegram link: actions that record themselves.

Linking: the profile shows `https://t.me/<bot>?start=CODE` with a fresh random code; the customer
opens it and Telegram sends `/start CODE` to the bot; the worker reads it (`telegram_poll`) and
`link_chat` ties that chat to the account. A chat that sends an unknown code is ignored.
"""

import secrets

from django.conf import settings
from django.db import transaction

from smmpanel.accounts.models import Account
from smmpanel.audit.log import Actor, record, snapshot
from smmpanel.notifications.models import Preferences, TelegramPoll
from smmpanel.notifications.texts import CUSTOMER_KINDS

CHOICES = (*CUSTOMER_KINDS, "by_email", "by_telegram")


def preferences_of(account: Account) -> Preferences:
    """The account's preferences (the defaults, unsaved, when it has none)."""
    found = Preferences.objects.filter(account=account).first()
    return found or Preferences(account=account)


def _locked(account: Account) -> Preferences:
    Preferences.objects.get_or_create(account=account)
    return Preferences.objects.select_for_update().get(account=account)


def save_preferences(
    *, account: Account, acting_user: Actor, values: dict[str, bool]
) -> Preferences:
    """Turn kinds and channels on or off (`values`: names of CHOICES → bool); records
    `notifications.preferences` when something changed."""
    with transaction.atomic():
        preferences = _locked(account)
        before = snapshot(preferences, CHOICES)
        for name in CHOICES:
            if name in values:
                setattr(preferences, name, bool(values[name]))
        after = snapshot(preferences, CHOICES)
        if after == before:
            return preferences
        preferences.save(update_fields=list(CHOICES))
        record(
            acting_user,
            "notifications.preferences",
            obj=account,
            before=before,
            after=after,
        )
    return preferences


def start_telegram_link(*, account: Account, acting_user: Actor) -> str:
    """A new `/start` code for the account (the last one stops working); records
    `notifications.telegram_code` (without the code)."""
    code = secrets.token_urlsafe(16)
    with transaction.atomic():
        preferences = _locked(account)
        preferences.telegram_code = code
        preferences.save(update_fields=["telegram_code"])
        record(acting_user, "notifications.telegram_code", obj=account)
    return code


def link_chat(*, code: str, chat_id: str) -> Account | None:
    """Tie the chat that sent `/start code` to the code's account (the code is used up);
    None, and nothing changed, for an unknown code. Records `notifications.telegram_link`."""
    code = code.strip()
    if not code:
        return None
    with transaction.atomic():
        preferences = (
            Preferences.objects.select_for_update()
            .select_related("account")
            .filter(telegram_code=code)
            .first()
        )
        if preferences is None:
            return None
        before = {"telegram_chat_id": preferences.telegram_chat_id}
        preferences.telegram_chat_id = chat_id[:32]
        preferences.telegram_code = None
        preferences.save(update_fields=["telegram_chat_id", "telegram_code"])
        record(
            Actor.system(),
            "notifications.telegram_link",
            obj=preferences.account,
            before=before,
            after={"telegram_chat_id": preferences.telegram_chat_id},
        )
    return preferences.account


def unlink_telegram(*, account: Account, acting_user: Actor) -> Preferences:
    """Forget the customer's Telegram chat; records `notifications.telegram_unlink` when one was
    linked."""
    with transaction.atomic():
        preferences = _locked(account)
        if not preferences.telegram_chat_id:
            return preferences
        before = {"telegram_chat_id": preferences.telegram_chat_id}
        preferences.telegram_chat_id = ""
        preferences.save(update_fields=["telegram_chat_id"])
        record(
            acting_user,
            "notifications.telegram_unlink",
            obj=account,
            before=before,
            after={"telegram_chat_id": ""},
        )
    return preferences


def bot_username() -> str:
    """SMMPANEL_TELEGRAM_BOT_USERNAME, else what the worker learnt from `getMe`; "" if none."""
    if settings.TELEGRAM_BOT_USERNAME:
        return settings.TELEGRAM_BOT_USERNAME.lstrip("@")
    poll = TelegramPoll.objects.first()
    return poll.bot_username if poll else ""


def deep_link(code: str) -> str:
    """The link that opens the bot and sends `/start code` ("Deep linking")."""
    username = bot_username()
    return f"https://t.me/{username}?start={code}" if username and code else ""
