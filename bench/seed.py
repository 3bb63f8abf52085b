"""Fill a freshly migrated smmpanel database for bench/api.py: a catalog, a customer, orders.

Run by bench/api.py with the server's SMMPANEL_* environment, so that it writes to the same
database. It prints one JSON object: {"services": [[id, min, max], …], "customers":
[{"api_key": …, "orders": [id, …]}, …]} (each customer's key and order ids; the orders are dealt
to the customers in turn).

The rows are inserted in bulk, around the domain operations, because 100,000 orders placed one by
one would take minutes; the money still adds up (`smmpanel audit` passes on the result).
"""

# ruff: noqa: E402 (Django is set up before the models are imported)
import argparse
import json
import os
import random
import string
from decimal import Decimal

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smmpanel.settings")
django.setup()

from django.db import connection, models, transaction
from django.utils import timezone

from smmpanel.accounts import ledger
from smmpanel.accounts.models import Account, LedgerEntry
from smmpanel.accounts.registration import create_account
from smmpanel.catalog.models import Category, Service
from smmpanel.money import order_charge
from smmpanel.orders.models import FINAL_STATUSES, Order, OrderStatus

PLATFORMS = ["Instagram", "TikTok", "YouTube", "Telegram", "Twitter", "Facebook", "Spotify"]
KINDS = ["Followers", "Likes", "Views", "Comments", "Shares", "Saves"]
QUALITIES = ["Real", "HQ", "Cheap", "Instant", "Drip", "Targeted", "No drop", "Premium"]
OPENING_BALANCE = Decimal(1_000_000)
# A panel's table is mostly finished work.
STATUS_WEIGHTS = {
    OrderStatus.COMPLETED: 60,
    OrderStatus.IN_PROGRESS: 15,
    OrderStatus.PENDING: 10,
    OrderStatus.PROCESSING: 5,
    OrderStatus.PARTIAL: 5,
    OrderStatus.CANCELED: 5,
}


def create_services(rng: random.Random, count: int) -> list[Service]:
    categories = Category.objects.bulk_create(
        Category(name=f"{platform} {kind}", sort_order=n)
        for n, (platform, kind) in enumerate((p, k) for p in PLATFORMS for k in KINDS)
    )
    services = []
    for n in range(count):
        category = rng.choice(categories)
        services.append(
            Service(
                name=f"{category.name} [{rng.choice(QUALITIES)}] #{n + 1}",
                category=category,
                rate=Decimal(rng.randint(1, 200_000)).scaleb(-4),  # 0.0001 … 20.0000
                min_quantity=rng.choice([10, 20, 50, 100, 500]),
                max_quantity=rng.choice([5_000, 10_000, 50_000, 100_000, 1_000_000]),
                refill=rng.random() < 0.4,
                cancel=rng.random() < 0.3,
                description=f"Start 0-1 h, speed up to {rng.choice([1, 5, 10, 50])}K per day.",
                average_time=rng.choice([None, 15, 60, 240, 1440]),
                sort_order=n % 50,
            )
        )
    return Service.objects.bulk_create(services)


def _link(rng: random.Random, service: Service) -> str:
    platform = service.category.name.split()[0].lower()
    code = "".join(rng.choices(string.ascii_letters + string.digits, k=11))
    return f"https://www.{platform}.com/p/{code}/"


def insert(model: type[models.Model], rows: list[dict]) -> None:
    """INSERT the rows as plain values, without `bulk_create`'s ~0.2 ms of Python per row."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    # Columns the rows leave out take their field's default (fields added since this was written).
    defaults = {
        field.name: field.get_db_prep_save(field.get_default(), connection)
        for field in model._meta.concrete_fields
        if not field.primary_key
        and not field.has_db_default()
        and (field.has_default() or not field.null)
        and field.name not in rows[0]
    }
    rows = [{**row, **defaults} for row in rows]
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in rows[0])
    values = [tuple(row.values()) for row in rows]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: psycopg spends seconds parsing long INSERTs and sends executemany row by row.
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(rows[0]))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", values)


def _remains(rng: random.Random, status: OrderStatus, quantity: int) -> int:
    if status == OrderStatus.COMPLETED:
        return 0
    if status in (OrderStatus.PENDING, OrderStatus.CANCELED):
        return quantity
    if status == OrderStatus.PARTIAL:
        return rng.randint(1, quantity - 1)
    return rng.randint(0, quantity)


def order_row(rng: random.Random, account: Account, service: Service, now: object) -> dict:
    """One order as the worker would have left it: remains and start count fit its status."""
    status = rng.choices(list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values()))[0]
    quantity = rng.randint(service.min_quantity, 10 * service.min_quantity)
    return {
        "account": account.pk,
        "service": service.pk,
        "link": _link(rng, service),
        "quantity": quantity,
        "details": "{}",
        "charge": order_charge(service.rate, quantity),
        "status": str(status),
        "start_count": None if status == OrderStatus.PENDING else rng.randint(0, 200_000),
        "remains": _remains(rng, status, quantity),
        "created_at": now,
        "updated_at": now,
        "completed_at": now if status in FINAL_STATUSES else None,
    }


def fund(account: Account, now: object) -> None:
    """An opening deposit covering every order, one charge entry per order, and what is left."""
    charges = list(Order.objects.filter(account=account).order_by("pk").values_list("pk", "charge"))
    balance = OPENING_BALANCE + sum(charge for _, charge in charges)
    ledger.deposit(account=account, amount=balance, reason="Opening balance")
    entries = []
    for pk, charge in charges:
        balance -= charge
        entries.append(
            {
                "account": account.pk,
                "kind": str(LedgerEntry.Kind.CHARGE),
                "amount": -charge,
                "balance_after": balance,
                "reason": f"Order {pk}",
                "order": pk,
                "created_at": now,
            }
        )
    insert(LedgerEntry, entries)
    Account.objects.filter(pk=account.pk).update(balance=balance)


def settle() -> None:
    """Leave the database as a long-running panel's would be: statistics known, WAL folded in."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=1000)
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--customers", type=int, default=1)
    parser.add_argument("--random-seed", type=int, default=1)
    args = parser.parse_args()

    rng = random.Random(args.random_seed)
    customers = [
        create_account(username="bench" if n == 0 else f"bench{n + 1}")
        for n in range(max(args.customers, 1))
    ]
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with transaction.atomic():
        services = create_services(rng, args.services)
        insert(
            Order,
            [
                order_row(rng, customers[n % len(customers)][0], rng.choice(services), now)
                for n in range(args.orders)
            ],
        )
        for account, _ in customers:
            fund(account, now)
    settle()
    reply = {
        "services": [[s.pk, s.min_quantity, s.max_quantity] for s in services],
        "customers": [
            {
                "api_key": key,
                "orders": list(Order.objects.filter(account=account).values_list("pk", flat=True)),
            }
            for account, key in customers
        ],
    }
    print(json.dumps(reply))


if __name__ == "__main__":
    main()
