"""accounts.keys: an API key finds its account, read whole as the ORM reads it, in one statement."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from smmpanel.accounts.errors import AccountError, AccountErrorCode
from smmpanel.accounts.keys import authenticate_key
from smmpanel.accounts.models import Account
from tests.factories import make_account

pytestmark = pytest.mark.django_db


def test_the_key_reads_the_whole_account_as_the_orm_does():
    account, key = make_account("1234.56789")
    Account.objects.filter(pk=account.pk).update(
        rate_discount=Decimal("12.5"), language="vi", timezone="Asia/Jakarta", has_custom_rates=True
    )
    with CaptureQueriesContext(connection) as queries:
        found = authenticate_key(key)
    assert len(queries) == 1
    orm = Account.objects.get(pk=account.pk)
    names = [field.attname for field in Account._meta.concrete_fields]
    assert {name: getattr(found, name) for name in names} == {
        name: getattr(orm, name) for name in names
    }
    assert str(found.balance) == "1234.56789" and str(found.rate_discount) == "12.50"
    assert found.created_at.tzinfo == orm.created_at.tzinfo
    with CaptureQueriesContext(connection) as queries:
        assert found.language == "vi"  # loaded: no query of its own
    assert len(queries) == 0


def test_a_wrong_or_suspended_key_is_refused():
    account, key = make_account()
    with pytest.raises(AccountError) as refused:
        authenticate_key(key + "0")
    assert refused.value.code == AccountErrorCode.INVALID_KEY
    Account.objects.filter(pk=account.pk).update(status=Account.Status.SUSPENDED)
    with pytest.raises(AccountError) as refused:
        authenticate_key(key)
    assert refused.value.code == AccountErrorCode.SUSPENDED
