"""What every bank-matching gateway (SePay, Casso, Moota) must do, run by each one's test module
with its own `bank` fixture: the transfer carrying a payment's code and amount credits it once;
anything else is kept for the operator and credits nothing; a forged webhook is refused."""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.test import Client

from smmpanel.accounts.ledger import audit
from smmpanel.accounts.models import Account
from smmpanel.payments import transfers
from smmpanel.payments.models import Payment, PaymentMethod, PaymentStatus, UnmatchedTransfer
from smmpanel.payments.operations import create_payment, start_payment
from tests.factories import make_account
from tests.payments.factories import make_method


@dataclass
class Bank:
    gateway: str
    currency: str
    rate: Decimal
    credentials: dict[str, str]
    # (transfer id, description, amount, incoming) -> (body, headers), signed as the docs say
    sign: Callable[..., tuple[bytes, dict[str, str]]]
    ack: bytes
    # SePay's API-key mode authenticates the sender, it does not sign the body.
    signs_body: bool = True

    def method(self) -> PaymentMethod:
        return make_method(
            self.gateway,
            credentials=self.credentials,
            currency=self.currency,
            exchange_rate=self.rate,
        )

    def send(self, method: PaymentMethod, body: bytes, headers: dict[str, str]):
        url = f"/payments/callback/{self.gateway}/{method.pk}/"
        return Client().post(url, data=body, content_type="application/json", headers=headers)

    def transfer(self, method, tx, description, amount, incoming=True):
        return self.send(method, *self.sign(tx, description, amount, incoming))


def new_payment(method: PaymentMethod, amount: str = "10") -> Payment:
    account, _ = make_account("0")
    payment = create_payment(account=account, method=method, amount=Decimal(amount))
    start_payment(payment=payment)
    return payment


def balance(payment: Payment) -> Decimal:
    return Account.objects.get(pk=payment.account_id).balance


def spaced(code: str) -> str:
    """The code as a customer may type it: lower case, cut by spaces."""
    return f"{code[:3].lower()} {code[3:-1]} {code[-1].lower()}"


def test_the_transfer_with_the_code_and_amount_credits_once(bank: Bank):
    method = bank.method()
    payment = new_payment(method)
    code = transfers.code_of(payment.pk)
    checkout = start_payment(payment=payment)
    assert checkout is not None and code in checkout.instructions
    described = f"CT DEN:0123 {spaced(code)} chuyen tien"
    first = bank.transfer(method, "9001", described, int(payment.gateway_amount))
    assert (first.status_code, first.content) == (200, bank.ack)
    replay = bank.transfer(method, "9001", described, int(payment.gateway_amount))
    assert (replay.status_code, replay.content) == (200, bank.ack)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.APPROVED
    assert payment.gateway_reference == "9001"
    assert balance(payment) == Decimal("10")
    assert not UnmatchedTransfer.objects.exists()
    assert audit() == []


def test_a_forged_webhook_is_refused_and_changes_nothing(bank: Bank):
    method = bank.method()
    payment = new_payment(method)
    body, headers = bank.sign("9002", transfers.code_of(payment.pk), int(payment.gateway_amount))
    forged = {name: value[:-4] + "0000" for name, value in headers.items()}
    assert bank.send(method, body, forged).status_code == 403
    assert bank.send(method, body, {}).status_code == 403
    if bank.signs_body:
        tampered = body.replace(b"9002", b"9003")
        assert bank.send(method, tampered, headers).status_code == 403
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING and balance(payment) == 0
    assert not UnmatchedTransfer.objects.exists()


def test_another_amount_is_kept_for_the_operator_and_credits_nothing(bank: Bank):
    method = bank.method()
    payment = new_payment(method)
    less = int(payment.gateway_amount) - 1000
    response = bank.transfer(method, "9004", transfers.code_of(payment.pk), less)
    assert (response.status_code, response.content) == (200, bank.ack)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING and balance(payment) == 0
    kept = UnmatchedTransfer.objects.get()
    assert (kept.reason, kept.payment_id, kept.amount) == ("amount", payment.pk, Decimal(less))
    assert kept.method_id == method.pk and kept.transfer_id == "9004"


def test_transfers_matching_no_waiting_payment_are_kept_once(bank: Bank):
    method = bank.method()
    payment = new_payment(method)
    amount = int(payment.gateway_amount)
    other = transfers.code_of(payment.pk + 1000)
    bank.transfer(method, "9005", f"thanh toan {other}", amount)
    bank.transfer(method, "9005", f"thanh toan {other}", amount)  # reported twice: kept once
    bank.transfer(method, "9006", "no code at all", amount)
    both = f"{transfers.code_of(payment.pk)} {other}"
    bank.transfer(method, "9007", both, amount)
    wrong_check = transfers.code_of(payment.pk)[:-1] + "Z"
    bank.transfer(method, "9008", wrong_check, amount)
    bank.transfer(method, "9009", transfers.code_of(payment.pk), amount, False)  # money out
    kept = dict(UnmatchedTransfer.objects.values_list("transfer_id", "reason"))
    assert kept == {
        "9005": "unknown_code",
        "9006": "no_code",
        "9007": "ambiguous",
        "9008": "no_code",
    }
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING and balance(payment) == 0


def test_a_second_transfer_for_a_credited_payment_is_kept_not_credited(bank: Bank):
    method = bank.method()
    payment = new_payment(method)
    code, amount = transfers.code_of(payment.pk), int(payment.gateway_amount)
    bank.transfer(method, "9010", code, amount)
    bank.transfer(method, "9011", code, amount)
    assert balance(payment) == Decimal("10")
    kept = UnmatchedTransfer.objects.get()
    assert (kept.transfer_id, kept.reason, kept.payment_id) == ("9011", "decided", payment.pk)
    assert audit() == []


def test_a_transfer_after_expiry_is_still_credited(bank: Bank):
    from smmpanel.audit.log import Actor
    from smmpanel.payments.settlement import expire

    method = bank.method()
    payment = new_payment(method)
    expire(payment_id=payment.pk, acting_user=Actor.system())
    bank.transfer(method, "9012", transfers.code_of(payment.pk), int(payment.gateway_amount))
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.APPROVED and balance(payment) == Decimal("10")
