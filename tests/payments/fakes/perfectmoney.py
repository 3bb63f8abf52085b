"""Perfect Money's SCI as its guide describes it: the form posted to /api/step1.asp, and the
status notification (V2_HASH) its server posts to STATUS_URL for a completed payment."""

from itertools import count

from smmpanel.payments.gateways.perfectmoney import md5_upper
from tests.payments.fakes.base import FakeGateway, Received, Reply

PAYEE = "U1234567"
PASSPHRASE = "alternate passphrase"


class FakePerfectMoney(FakeGateway):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, str]] = []
        self._batches = count(789012345)

    def route_table(self):
        return [("POST", r"/api/step1.asp", self.step1)]

    def step1(self, received: Received) -> Reply:
        self.forms.append(received.form())
        return Reply(200, "<html>Perfect Money: log in to pay</html>", content_type="text/html")

    def status(self, passphrase: str = PASSPHRASE, **changes: str) -> dict[str, str]:
        """The notification for the last form, paid from account U7654321."""
        form = self.forms[-1]
        data = {
            "PAYEE_ACCOUNT": form["PAYEE_ACCOUNT"],
            "PAYMENT_ID": form["PAYMENT_ID"],
            "PAYMENT_AMOUNT": form["PAYMENT_AMOUNT"],
            "PAYMENT_UNITS": form["PAYMENT_UNITS"],
            "PAYMENT_BATCH_NUM": str(next(self._batches)),
            "PAYER_ACCOUNT": "U7654321",
            "TIMESTAMPGMT": "1796421600",
            "SUGGESTED_MEMO": form.get("SUGGESTED_MEMO", ""),
            **changes,
        }
        signed = ":".join(
            [
                data["PAYMENT_ID"],
                data["PAYEE_ACCOUNT"],
                data["PAYMENT_AMOUNT"],
                data["PAYMENT_UNITS"],
                data["PAYMENT_BATCH_NUM"],
                data["PAYER_ACCOUNT"],
                md5_upper(passphrase),
                data["TIMESTAMPGMT"],
            ]
        )
        return {**data, "V2_HASH": md5_upper(signed)}
