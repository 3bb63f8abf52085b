"""Casso's webhook v2 as its docs describe it (developer.casso.vn, "Xử lý sự kiện Webhook"):
`{"error": 0, "data": {...}}` signed in `X-Casso-Signature: t=<ms>,v1=<HMAC-SHA512>`."""

import json

from smmpanel.payments.gateways.casso import signature


def webhook(*, checksum_key: str, id: int, content: str, amount, timestamp: str = "1733351400000"):
    """(body, headers) of Casso's POST for one bank transaction (amount < 0: money out)."""
    body = {
        "error": 0,
        "data": {
            "id": id,
            "reference": f"FT{id}",
            "description": content,
            "amount": amount,
            "runningBalance": 25000000,
            "transactionDateTime": "2026-12-04 22:30:00",
            "accountNumber": "88888888",
            "bankName": "VPBank",
            "bankAbbreviation": "VPB",
            "virtualAccountNumber": "",
            "virtualAccountName": "",
            "counterAccountName": "NGUYỄN VĂN A",
            "counterAccountNumber": "8888888888",
            "counterAccountBankId": "970415",
            "counterAccountBankName": "VietinBank",
        },
    }
    # Casso's servers write JSON as JSON.stringify does: no spaces, UTF-8 as it is.
    raw = json.dumps(body, ensure_ascii=False).encode()
    v1 = signature(body, timestamp, checksum_key)
    return raw, {"X-Casso-Signature": f"t={timestamp},v1={v1}"}
