"""Automatic bank-transfer matching: SePay, Casso (Vietnam) and Moota (Indonesia) watch the
operator's bank account and report every incoming transfer to the panel.

A payment of such a method gets a short code derived from its id with a check letter
(`code_of`: payment 123 -> "SMM123K") that the customer writes in the transfer's description;
the payment's page shows it with the amount (and a VietQR code for a Vietnamese bank).
A reported transfer is credited when its description holds exactly one valid code of a waiting
payment of this gateway and its amount is the payment's: it becomes a PAID `Report` with the
bank transaction's id as `gateway_reference`, so that `settlement.settle` credits it once (the
database allows one payment per gateway transaction). Every other incoming transfer (no code,
an unknown or already decided payment, two codes, another amount) is kept once as an
`UnmatchedTransfer` for the operator, and the notification is still acknowledged: the money
did arrive, and a refusal would only make the gateway send it again. Outgoing transfers are
the operator's own and are ignored.
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.http import HttpRequest
from django.utils.translation import gettext as _

from smmpanel.money import format_amount, quantize
from smmpanel.payments.gateway import Checkout, Gateway, GatewayState, MethodConfig, Report
from smmpanel.payments.models import Payment, PaymentStatus, UnmatchedTransfer

PREFIX = "SMM"
# Check letters: 23 of them (a prime: any one wrong digit or two swapped neighbours change
# the letter), without I, O and Z that read as 1, 0 and 2.
CHECK_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXY"


def _check_letter(digits: str) -> str:
    total = sum(weight * int(digit) for weight, digit in enumerate(reversed(digits), start=1))
    return CHECK_LETTERS[total % len(CHECK_LETTERS)]


def code_of(payment_id: int, prefix: str = PREFIX) -> str:
    """The code the customer writes in the transfer's description: "SMM123K"."""
    digits = str(payment_id)
    return f"{prefix}{digits}{_check_letter(digits)}"


def payment_ids_in(description: str, prefix: str = PREFIX) -> set[int]:
    """The payments whose valid code the description holds, whatever the case and whatever
    banks put between the characters (spaces, dots, dashes)."""
    text = re.sub(r"[^0-9A-Z]", "", description.upper())
    found = set()
    for match in re.finditer(rf"{re.escape(prefix.upper())}(\d{{1,18}})([A-Z])", text):
        digits, letter = match.groups()
        if _check_letter(digits) == letter and int(digits) > 0:
            found.add(int(digits))
    return found


@dataclass(frozen=True)
class Transfer:
    """One bank transaction as the gateway reported it (verified)."""

    id: str
    amount: Decimal
    description: str
    incoming: bool = True


def amount_of(value: object) -> Decimal | None:
    """A transfer's amount from the gateway's JSON (a number or a numeric string)."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return amount if amount.is_finite() else None


def _keep(gateway: str, config: MethodConfig, transfer: Transfer, reason: str, payment=None):
    UnmatchedTransfer.objects.get_or_create(
        gateway=gateway,
        transfer_id=transfer.id[:255],
        defaults={
            "method_id": config.method_id or None,
            "amount": transfer.amount,
            "currency": config.currency,
            "description": transfer.description[:500],
            "reason": reason,
            "payment": payment,
        },
    )


def match(gateway: str, config: MethodConfig, transfers: list[Transfer]) -> list[Report]:
    """The PAID reports of the transfers that pay a waiting payment; the other incoming
    transfers are kept for the operator (once each)."""
    prefix = config.credential("code_prefix", PREFIX) or PREFIX
    reports = []
    for transfer in transfers:
        if not transfer.incoming or transfer.amount <= 0 or not transfer.id:
            continue
        ids = payment_ids_in(transfer.description, prefix)
        if len(ids) != 1:
            reason = UnmatchedTransfer.Reason.AMBIGUOUS if ids else UnmatchedTransfer.Reason.NO_CODE
            _keep(gateway, config, transfer, reason)
            continue
        payment = Payment.objects.filter(pk=ids.pop(), gateway=gateway).first()
        if payment is None:
            _keep(gateway, config, transfer, UnmatchedTransfer.Reason.UNKNOWN_CODE)
            continue
        replay = payment.gateway_reference == transfer.id
        if not replay and (
            payment.gateway_reference
            or payment.status not in (PaymentStatus.PENDING, PaymentStatus.EXPIRED)
        ):
            _keep(gateway, config, transfer, UnmatchedTransfer.Reason.DECIDED, payment)
            continue
        expected = payment.gateway_amount if payment.gateway_amount is not None else payment.amount
        if quantize(transfer.amount) != quantize(expected):
            _keep(gateway, config, transfer, UnmatchedTransfer.Reason.AMOUNT, payment)
            continue
        reports.append(
            Report(
                state=GatewayState.PAID,
                payment_id=payment.pk,
                gateway_reference=transfer.id,
                amount=transfer.amount,
                currency=payment.currency or config.currency,
                detail=transfer.description[:200],
            )
        )
    return reports


def _crc16(data: bytes) -> str:
    """CRC-16/CCITT-FALSE (poly 0x1021, start 0xFFFF), as EMVCo QR codes end with."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _bit in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return f"{crc:04X}"


def _field(tag: str, value: str) -> str:
    return f"{tag}{len(value):02d}{value}"


def vietqr(*, bank_bin: str, account: str, amount: Decimal, message: str) -> str:
    """The VietQR (NAPAS, EMVCo merchant-presented) payload of a transfer to `account` at the
    bank `bank_bin` of `amount` dong with `message` as its description: every Vietnamese
    banking app scans it and fills the transfer in."""
    beneficiary = _field("00", bank_bin) + _field("01", account)
    merchant = _field("00", "A000000727") + _field("01", beneficiary) + _field("02", "QRIBFTTA")
    body = (
        _field("00", "01")
        + _field("01", "12")
        + _field("38", merchant)
        + _field("53", "704")
        + _field("54", format_amount(amount, "VND"))
        + _field("58", "VN")
        + _field("62", _field("08", message))
        + "6304"
    )
    return body + _crc16(body.encode())


class BankTransferGateway(Gateway):
    """A gateway that reports the transfers arriving on the operator's bank account. A
    subclass verifies its webhook and lists its transfers (`transfers`)."""

    # Optional credentials: the account shown to the customer ("bank_name", "account_number",
    # "account_name"), the bank's BIN for a VietQR code ("bank_bin"), the code's prefix.
    def transfers(self, request: HttpRequest, config: MethodConfig) -> list[Transfer]:
        raise NotImplementedError

    def read_notification(self, request: HttpRequest, config: MethodConfig) -> list[Report]:
        return match(self.code, config, self.transfers(request, config))

    def start(self, payment: Payment, config: MethodConfig) -> Checkout:
        return self.pay_by(payment, config)

    def pay_by(self, payment: Payment, config: MethodConfig) -> Checkout:
        code = code_of(payment.pk, config.credential("code_prefix", PREFIX) or PREFIX)
        amount = payment.gateway_amount if payment.gateway_amount is not None else payment.amount
        currency = payment.currency or config.currency
        lines = [
            _(
                "Transfer exactly {amount} {currency} and write {code} in the transfer's "
                "description: your balance grows by itself when the transfer arrives."
            ).format(amount=format_amount(amount, currency), currency=currency, code=code)
        ]
        account = config.credential("account_number")
        if account:
            names = (config.credential("bank_name"), account, config.credential("account_name"))
            bank = " · ".join(part for part in names if part)
            lines.append(_("Bank account: {account}").format(account=bank))
        qr = ""
        if account and config.credential("bank_bin") and currency == "VND":
            qr = vietqr(
                bank_bin=config.credential("bank_bin"), account=account, amount=amount, message=code
            )
        return Checkout(instructions="\n".join(lines), qr=qr)
