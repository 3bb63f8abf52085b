"""Perfect Money: its Shopping Cart Interface (SCI), a form the customer's browser posts.

Follows Perfect Money's "Shopping Cart Interface" guide (https://perfectmoney.com/sci/,
"perfectmoney_sci.pdf", and its sample status script):
- "SCI form": POST to https://perfectmoney.com/api/step1.asp with PAYEE_ACCOUNT,
  PAYEE_NAME, PAYMENT_ID (our payment id), PAYMENT_AMOUNT, PAYMENT_UNITS (USD or EUR),
  STATUS_URL (this method's callback), PAYMENT_URL and NOPAYMENT_URL (the payment's page, as
  LINKs) and SUGGESTED_MEMO; the panel serves it on an auto-submitting page (`formpost`);
- "Payment status" (STATUS_URL): a POST sent for a completed payment only, with PAYEE_ACCOUNT,
  PAYMENT_ID, PAYMENT_AMOUNT, PAYMENT_UNITS, PAYMENT_BATCH_NUM, PAYER_ACCOUNT, TIMESTAMPGMT and
  V2_HASH = upper(MD5("PAYMENT_ID:PAYEE_ACCOUNT:PAYMENT_AMOUNT:PAYMENT_UNITS:
  PAYMENT_BATCH_NUM:PAYER_ACCOUNT:ALTERNATE_PHRASE_HASH:TIMESTAMPGMT")), where
  ALTERNATE_PHRASE_HASH = upper(MD5(alternate passphrase)); as the sample script does, the
  payee account must be ours. PAYMENT_BATCH_NUM is Perfect Money's transaction id.
Perfect Money has no status API for a shop (`polls` is False): a payment whose status never
arrives expires, and is still credited if the status comes later. Any answer acknowledges.
"""

import hashlib
import hmac
from decimal import Decimal, InvalidOperation

from django.http import HttpRequest

from smmpanel.payments.errors import PaymentError, PaymentErrorCode
from smmpanel.payments.formpost import FormCheckout
from smmpanel.payments.gateway import GatewayState, MethodConfig, Report
from smmpanel.payments.models import Payment

SCI_URL = "https://perfectmoney.com/api/step1.asp"
SIGNED = (
    "PAYMENT_ID",
    "PAYEE_ACCOUNT",
    "PAYMENT_AMOUNT",
    "PAYMENT_UNITS",
    "PAYMENT_BATCH_NUM",
    "PAYER_ACCOUNT",
    "ALTERNATE_PHRASE_HASH",
    "TIMESTAMPGMT",
)


def md5_upper(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest().upper()  # noqa: S324 - the documented hash


def v2_hash(fields: dict[str, str], alternate_passphrase: str) -> str:
    values = {**fields, "ALTERNATE_PHRASE_HASH": md5_upper(alternate_passphrase)}
    return md5_upper(":".join(values.get(name, "") for name in SIGNED))


class PerfectMoneyGateway(FormCheckout):
    code = "perfectmoney"
    label = "Perfect Money"
    credential_names = ("payee_account", "alternate_passphrase")
    currencies = ("USD", "EUR")

    def form(self, payment: Payment, config: MethodConfig) -> tuple[str, list[tuple[str, str]]]:
        amount = payment.gateway_amount if payment.gateway_amount is not None else payment.amount
        page = self.return_url(payment)
        return config.credential("api_url", SCI_URL), [
            ("PAYEE_ACCOUNT", config.credential("payee_account")),
            ("PAYEE_NAME", config.credential("payee_name", "SMM panel")),
            ("PAYMENT_ID", str(payment.pk)),
            ("PAYMENT_AMOUNT", f"{amount:.2f}"),
            ("PAYMENT_UNITS", payment.currency),
            ("STATUS_URL", self.callback_url(config)),
            ("PAYMENT_URL", page),
            ("PAYMENT_URL_METHOD", "LINK"),
            ("NOPAYMENT_URL", page),
            ("NOPAYMENT_URL_METHOD", "LINK"),
            ("SUGGESTED_MEMO", f"Deposit {payment.pk}"),
        ]

    def read_notification(self, request: HttpRequest, config: MethodConfig) -> list[Report]:
        data = {name: request.POST.get(name, "") for name in (*SIGNED, "V2_HASH")}
        expected = v2_hash(data, config.credential("alternate_passphrase"))
        if not data["V2_HASH"] or not hmac.compare_digest(expected, data["V2_HASH"].upper()):
            raise PaymentError(PaymentErrorCode.BAD_SIGNATURE)
        if data["PAYEE_ACCOUNT"].upper() != config.credential("payee_account").upper():
            raise PaymentError(PaymentErrorCode.NO_SUCH_PAYMENT)  # paid to another account
        raw_id = data["PAYMENT_ID"]
        try:
            amount = Decimal(data["PAYMENT_AMOUNT"])
        except InvalidOperation:
            raise PaymentError(PaymentErrorCode.AMOUNT_MISMATCH) from None
        return [
            Report(
                state=GatewayState.PAID,
                payment_id=int(raw_id) if raw_id.isascii() and raw_id.isdigit() else None,
                gateway_reference=data["PAYMENT_BATCH_NUM"],
                amount=amount,
                currency=data["PAYMENT_UNITS"].upper(),
                detail=f"perfectmoney: paid by {data['PAYER_ACCOUNT']}",
            )
        ]
