"""Payeer's merchant as its documentation describes it: the payment form posted to
/merchant/, and the status handler's request its server sends, signed with m_sign."""

import base64
import hashlib
from itertools import count

from tests.payments.fakes.base import FakeGateway, Received, Reply

SHOP = "12345678"
SECRET = "payeer secret key"
STATUS_FIELDS = (
    "m_operation_id",
    "m_operation_ps",
    "m_operation_date",
    "m_operation_pay_date",
    "m_shop",
    "m_orderid",
    "m_amount",
    "m_curr",
    "m_desc",
    "m_status",
)


def sign(values: list[str]) -> str:
    return hashlib.sha256(":".join(values).encode()).hexdigest().upper()


class FakePayeer(FakeGateway):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, str]] = []
        self._operations = count(1816455950)

    def route_table(self):
        return [("POST", r"/merchant/", self.merchant)]

    def merchant(self, received: Received) -> Reply:
        form = received.form()
        names = ("m_shop", "m_orderid", "m_amount", "m_curr", "m_desc")
        expected = sign([form.get(name, "") for name in names] + [SECRET])
        if form.get("m_shop") != SHOP or form.get("m_sign") != expected:
            return Reply(200, "<html>Payeer: wrong signature</html>", content_type="text/html")
        self.forms.append(form)
        return Reply(200, "<html>Payeer: log in to pay</html>", content_type="text/html")

    def status(self, secret: str = SECRET, m_status: str = "success", **changes: str):
        """The status handler's request for the last form."""
        form = self.forms[-1]
        data = {
            "m_operation_id": str(next(self._operations)),
            "m_operation_ps": "2609",
            "m_operation_date": "04.12.2026 22:40:00",
            "m_operation_pay_date": "04.12.2026 22:41:07",
            "m_shop": form["m_shop"],
            "m_orderid": form["m_orderid"],
            "m_amount": form["m_amount"],
            "m_curr": form["m_curr"],
            "m_desc": form["m_desc"],
            "m_status": m_status,
            **changes,
        }
        values = [data[name] for name in STATUS_FIELDS]
        if "m_params" in data:
            values.append(data["m_params"])
        return {**data, "m_sign": sign([*values, secret])}


def description(text: str) -> str:
    return base64.b64encode(text.encode()).decode()
