"""SePay's webhook as its docs describe it (developer.sepay.vn, "Integrate webhook",
"Authentication": API Key): one transaction's JSON, `Authorization: Apikey <key>`."""

import json


def webhook(*, api_key: str, id: int, content: str, amount, transfer_type: str = "in"):
    """(body, headers) of SePay's POST for one bank transaction."""
    body = {
        "id": id,
        "gateway": "Vietcombank",
        "transactionDate": "2026-12-04 22:30:00",
        "accountNumber": "0123499999",
        "code": None,
        "content": content,
        "transferType": transfer_type,
        "transferAmount": amount,
        "accumulated": 19077000,
        "subAccount": None,
        "referenceCode": f"MBVCB.{id}",
        "description": f"BankAPINotify {content}",
    }
    return json.dumps(body).encode(), {"Authorization": f"Apikey {api_key}"}
