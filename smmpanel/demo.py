"""The demo panel's data: a catalog of simulated services covering every order type, a few
digital products, an operator and a customer with a balance. Seeding twice changes nothing."""

import os
import secrets
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from smmpanel.accounts import ledger
from smmpanel.accounts.keys import hash_key
from smmpanel.accounts.models import Account
from smmpanel.catalog.models import Fulfilment, Product, ProductItem, Service
from smmpanel.catalog.operations import category_named, new_service
from smmpanel.catalog.order_types import OrderType

ADMIN = "admin"
CUSTOMER = "demo"
OPENING_BALANCE = Decimal("1000")

# (category, name, type, rate per 1000, min, max, refill, cancel, dripfeed)
# fmt: off
SERVICES = [
    ("Instagram", "Instagram Followers", OrderType.DEFAULT, "0.90", 50, 10000, True, True, True),
    ("Instagram", "Instagram Likes", OrderType.DEFAULT, "0.27819", 10, 50000, False, True, True),
    ("Instagram", "Instagram Custom Comments", OrderType.CUSTOM_COMMENTS, "8", 1, 1500, False, True, False),  # noqa: E501
    ("Instagram", "Instagram Mentions (custom list)", OrderType.MENTIONS_CUSTOM_LIST, "6", 1, 1000, False, False, False),  # noqa: E501
    ("Instagram", "Instagram Mentions (hashtag)", OrderType.MENTIONS_HASHTAG, "5", 100, 10000, False, False, False),  # noqa: E501
    ("Instagram", "Instagram Mentions (user followers)", OrderType.MENTIONS_USER_FOLLOWERS, "5", 100, 10000, False, False, False),  # noqa: E501
    ("Instagram", "Instagram Mentions (media likers)", OrderType.MENTIONS_MEDIA_LIKERS, "5", 100, 10000, False, False, False),  # noqa: E501
    ("Instagram", "Instagram Comment Likes", OrderType.COMMENT_LIKES, "3", 20, 5000, False, False, False),  # noqa: E501
    ("Instagram", "Instagram Auto Likes (subscription)", OrderType.SUBSCRIPTIONS, "1.2", 50, 5000, False, True, False),  # noqa: E501
    ("YouTube", "YouTube Views", OrderType.DEFAULT, "1.50", 100, 1000000, True, True, True),
    ("YouTube", "YouTube Comments Package (10)", OrderType.CUSTOM_COMMENTS_PACKAGE, "4.00", 1, 1, False, False, False),  # noqa: E501
    ("Telegram", "Telegram Poll Votes", OrderType.POLL, "2", 100, 20000, False, True, False),
    ("Telegram", "Telegram Members from Groups", OrderType.INVITES_FROM_GROUPS, "9", 100, 10000, False, False, False),  # noqa: E501
    ("Twitter", "Twitter Starter Package", OrderType.PACKAGE, "12.00", 1, 1, False, False, False),
    ("Website", "Website Traffic", OrderType.WEB_TRAFFIC, "0.40", 500, 1000000, False, True, True),
]
# fmt: on

PRODUCTS = [
    ("Netflix", "Netflix premium 1 month", "Input your account", "2.5", 1, 10, 40),
    ("Youtube", "Youtube premium 1 month", "Input your account", "5", 1, 1, 0),
]


def _kept_secret(name: str, make) -> str:
    """A demo secret kept in the data directory, so that every run prints the same one."""
    path = Path(settings.DATA_DIR) / name
    if path.exists():
        return path.read_text().strip()
    value = make()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(value)
    return value


def seed() -> dict:
    # The operator and the customer each have their own password: the customer's is meant to be
    # handed around (to try the panel), the operator's must not come with it.
    password = _kept_secret("demo-admin-password", lambda: secrets.token_urlsafe(12))
    customer_password = _kept_secret("demo-customer-password", lambda: secrets.token_urlsafe(12))
    api_key = _kept_secret("demo-api-key", lambda: secrets.token_hex(16))
    user_model = get_user_model()
    with transaction.atomic():
        if not user_model.objects.filter(username=ADMIN).exists():
            user_model.objects.create_superuser(ADMIN, "", password)
        customer, created = user_model.objects.get_or_create(username=CUSTOMER)
        # Also a customer of an older demo, made with the operator's password: it gets its own.
        if created or not customer.check_password(customer_password):
            customer.set_password(customer_password)
            customer.save()
        account, _ = Account.objects.get_or_create(user=customer)
        Account.objects.filter(pk=account.pk).update(
            api_key_hash=hash_key(api_key), api_key_hint=api_key[:6]
        )
        if created:
            ledger.deposit(account=account, amount=OPENING_BALANCE, reason="Demo balance")
        if not Service.objects.exists():
            _seed_catalog()
        _seed_payment_methods()
    account.refresh_from_db()
    return {
        "admin": ADMIN,
        "password": password,
        "customer": CUSTOMER,
        "customer_password": customer_password,
        "api_key": api_key,
        "balance": account.balance,
    }


def _seed_catalog() -> None:
    for category, name, type_, rate, low, high, refill, cancel, dripfeed in SERVICES:
        new_service(
            name=name,
            category=category,
            type=type_,
            rate=Decimal(rate),
            min_quantity=low,
            max_quantity=high,
            refill=refill,
            cancel=cancel,
            dripfeed=dripfeed,
            fulfilment=Fulfilment.SIMULATED,
            description=f"Demo service: {name}. Simulated delivery.",
        )
    for category, name, require, rate, low, high, stock in PRODUCTS:
        product = Product.objects.create(
            name=name,
            category=category_named(category),
            require=require,
            rate=Decimal(rate),
            min_quantity=low,
            max_quantity=high,
        )
        ProductItem.objects.bulk_create(
            ProductItem(product=product, value=f"demo{n}@example.com | pass{n}")
            for n in range(stock)
        )


def _seed_payment_methods() -> None:
    """A bank transfer the operator approves, and the sandbox gateway (when enabled)."""
    from smmpanel.payments.models import PaymentMethod

    PaymentMethod.objects.get_or_create(
        gateway="manual",
        defaults={
            "name": "Bank transfer",
            "instructions": "Transfer to: Demo Bank 123-456-789 (Demo Panel).\n"
            "Then enter the amount and the transfer's reference below.",
            # The operator's texts in the panel's other languages (issue 16: per language).
            "translations": {
                "id": {
                    "name": "Transfer bank",
                    "instructions": "Transfer ke: Demo Bank 123-456-789 (Demo Panel).\n"
                    "Lalu isi jumlah dan referensi transfer di bawah.",
                },
                "vi": {
                    "name": "Chuyển khoản ngân hàng",
                    "instructions": "Chuyển khoản đến: Demo Bank 123-456-789 (Demo Panel).\n"
                    "Sau đó nhập số tiền và mã tham chiếu chuyển khoản bên dưới.",
                },
            },
        },
    )
    if settings.PAYMENT_SANDBOX:
        PaymentMethod.objects.get_or_create(
            gateway="sandbox",
            defaults={
                "name": "Sandbox card (test)",
                "translations": {
                    "id": {"name": "Kartu sandbox (uji coba)"},
                    "vi": {"name": "Thẻ sandbox (thử nghiệm)"},
                },
            },
        )
