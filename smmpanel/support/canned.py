"""Canned replies: texts staff pick instead of typing them, one set per language."""

from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from smmpanel.audit.log import Actor, record, snapshot
from smmpanel.support.errors import SupportError, SupportErrorCode
from smmpanel.support.models import CannedReply
from smmpanel.support.text import clean_body

FIELDS = ("language", "title", "body")


def _checked(language: str, title: str, body: str) -> dict[str, Any]:
    if language not in dict(settings.LANGUAGES):
        raise SupportError(SupportErrorCode.UNKNOWN_LANGUAGE, languages=language)
    title = " ".join(title.split())[:100]
    if not title:
        raise SupportError(SupportErrorCode.EMPTY_TITLE)
    return {"language": language, "title": title, "body": clean_body(body)}


def _saved(reply: CannedReply) -> None:
    try:
        with transaction.atomic():
            reply.save()
    except IntegrityError:
        raise SupportError(SupportErrorCode.DUPLICATE_TITLE) from None


def create_canned_reply(*, language: str, title: str, body: str, acting_user: Actor) -> CannedReply:
    """A new canned reply; recorded as "canned_reply.create". SupportError for an unknown
    language, an empty title or text, or a title its language already has."""
    values = _checked(language, title, body)
    with transaction.atomic():
        reply = CannedReply(**values)
        _saved(reply)
        record(acting_user, "canned_reply.create", obj=reply, after=snapshot(reply, FIELDS))
    return reply


def update_canned_reply(
    *, canned_id: int, language: str, title: str, body: str, acting_user: Actor
) -> CannedReply:
    """Change a canned reply; recorded as "canned_reply.update" (nothing when unchanged).
    CannedReply.DoesNotExist for an unknown id."""
    values = _checked(language, title, body)
    with transaction.atomic():
        reply = CannedReply.objects.select_for_update().get(pk=canned_id)
        before = snapshot(reply, FIELDS)
        if before == values:
            return reply
        for name, value in values.items():
            setattr(reply, name, value)
        _saved(reply)
        record(
            acting_user,
            "canned_reply.update",
            obj=reply,
            before=before,
            after=snapshot(reply, FIELDS),
        )
    return reply


def delete_canned_reply(*, canned_id: int, acting_user: Actor) -> None:
    """Remove a canned reply; recorded as "canned_reply.delete". An unknown id: nothing."""
    with transaction.atomic():
        reply = CannedReply.objects.select_for_update().filter(pk=canned_id).first()
        if reply is None:
            return
        before = snapshot(reply, FIELDS)
        record(acting_user, "canned_reply.delete", obj=reply, before=before)
        reply.delete()
