"""Creating customer accounts (a sign-up, or `accounts.actions.create_customer` for the operator)
and finding them by username. The operator's decisions about an account are `accounts.actions`."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from smmpanel.accounts import ledger
from smmpanel.accounts.errors import AccountError, AccountErrorCode
from smmpanel.accounts.keys import issue_api_key
from smmpanel.accounts.models import Account

USERNAME_MAX_LENGTH = 150


def create_account(
    *, username: str, password: str | None = None, email: str = "", balance: Decimal | None = None
) -> tuple[Account, str]:
    """Create a customer with an API key and an optional opening deposit; return it and the key.

    The key is returned once and only its hash is kept.
    """
    username = username.strip()
    if not username or len(username) > USERNAME_MAX_LENGTH:
        raise AccountError(AccountErrorCode.INVALID_USERNAME)
    User = get_user_model()
    try:
        with transaction.atomic():
            user = User.objects.create_user(username=username, email=email, password=password)
            account = Account.objects.create(user=user)
    except IntegrityError:
        raise AccountError(AccountErrorCode.USERNAME_TAKEN) from None
    key = issue_api_key(account=account)
    if balance:
        ledger.deposit(account=account, amount=balance, reason="Opening balance")
    account.refresh_from_db(fields=["balance"])
    return account, key


def account_for_username(username: str) -> Account:
    try:
        return Account.objects.select_related("user").get(user__username=username)
    except Account.DoesNotExist:
        raise AccountError(AccountErrorCode.NO_SUCH_USER, username=username) from None
