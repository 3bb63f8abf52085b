"""Moota's mutation webhook (a JSON list of mutations, the `Signature` header the hex
HMAC-SHA256 of the raw body keyed with the webhook's secret)."""

import hashlib
import hmac
import json


def webhook(*, secret: str, id: str, content: str, amount, type: str = "CR"):  # noqa: A002
    body = [
        {
            "account_number": "12312412312",
            "date": "2026-12-04 22:30:00",
            "description": content,
            "amount": amount,
            "type": type,
            "note": "",
            "balance": 520000,
            "created_at": "2026-12-04 22:30:00",
            "updated_at": "2026-12-04 22:30:00",
            "mutation_id": id,
            "token": "OASiuhDYNb97",
            "bank_id": "Aslx120mlw",
            "taggings": [],
        }
    ]
    raw = json.dumps(body).encode()
    signed = hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    return raw, {"Signature": signed, "User-Agent": "MootaBot/1.5"}
