"""Status sync throughput: a provider holding N in-progress orders, reconciled by one worker and
by two. Prints orders reconciled per second and provider calls per order polled. Not a test.

    .venv/bin/python bench/sync.py [--orders 100000] [--database-url postgres://…/smmpanel_bench]

The provider is a fake API v2 panel (smmpanel.client.testing.FakeUpstream) in its own process on
127.0.0.1. Each round, every order's stored status differs from what the provider reports, so
each one is really applied through `orders.status.apply_status`. Two workers are separate
processes sharing the database (PostgreSQL; SQLite runs one worker, so it is skipped there).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def fake_provider(orders: int) -> None:
    """Run the fake provider with `orders` orders In progress; print its URL and key, and its
    call counts when stdin closes."""
    from decimal import Decimal

    from smmpanel.client.testing import FakeUpstream, UpstreamOrder

    upstream = FakeUpstream().start()
    service = upstream.service_id(0)
    with upstream.panel.lock:
        for n in range(1, orders + 1):
            upstream.panel.orders[str(n)] = UpstreamOrder(
                service=service, params={}, quantity=1000, charge=Decimal("0.9"),
                status="In progress", start_count=100 + n, remains=n % 1000,
            )  # fmt: skip
    print(json.dumps({"url": upstream.url, "key": upstream.key}), flush=True)
    sys.stdin.read()
    print(json.dumps(dict(upstream.calls)), flush=True)
    upstream.stop()


def setup_django(database_url: str | None, data_dir: str) -> None:
    os.environ["SMMPANEL_DATA_DIR"] = data_dir
    os.environ.setdefault("SMMPANEL_SECRET_KEY", "bench")
    os.environ["SMMPANEL_LOG_LEVEL"] = "WARNING"
    os.environ["SMMPANEL_ALLOW_PRIVATE_PROVIDERS"] = "1"  # the fake provider is on 127.0.0.1
    if database_url:
        os.environ["SMMPANEL_DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smmpanel.settings")
    import django

    django.setup()


def seed(orders: int, url: str, key: str) -> None:
    from decimal import Decimal

    from django.core.management import call_command
    from django.utils import timezone

    from smmpanel.audit.log import Actor
    from smmpanel.catalog.models import Service
    from smmpanel.orders.models import Order
    from smmpanel.providers.catalog_import import import_catalog
    from smmpanel.providers.models import UpstreamOrder, UpstreamState
    from smmpanel.providers.operations import add_provider
    from tests.factories import make_account

    call_command("migrate", verbosity=0)
    provider = add_provider(acting_user=Actor.cli(), name="bench", url=url, key=key, dialect="form")
    import_catalog(acting_user=Actor.cli(), provider=provider, markup=Decimal(0))
    service = Service.objects.order_by("pk").first()
    account, _ = make_account("1000000")
    now = timezone.now()
    route = service.routes.get().provider_service
    for start in range(0, orders, 10_000):
        batch = [
            Order(account=account, service=service, link=f"https://x.com/{n}", quantity=1000,
                  charge=Decimal("0.9"), remains=1000, next_attempt_at=now)
            for n in range(start, min(start + 10_000, orders))
        ]  # fmt: skip
        created = Order.objects.bulk_create(batch)
        UpstreamOrder.objects.bulk_create(
            UpstreamOrder(order=order, provider=provider, provider_service=route,
                          state=UpstreamState.SENT, upstream_id=str(start + i + 1))
            for i, order in enumerate(created)
        )  # fmt: skip


def reset() -> None:
    """Every order due now, its stored progress behind the provider's."""
    from django.utils import timezone

    from smmpanel.orders.models import Order

    Order.objects.update(
        status="Pending", remains=1000, start_count=None, next_attempt_at=timezone.now(),
        lease_expires_at=None,
    )  # fmt: skip


def worker() -> None:
    from smmpanel.worker.loop import run_once

    print(run_once(), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--database-url")
    parser.add_argument("--role", choices=["main", "provider", "worker"], default="main")
    parser.add_argument("--data-dir")
    args = parser.parse_args()
    if args.role == "provider":
        return fake_provider(args.orders)
    if args.role == "worker":
        setup_django(args.database_url, args.data_dir)
        return worker()

    data_dir = args.data_dir or tempfile.mkdtemp(prefix="smmpanel-bench-")
    if args.database_url:
        import psycopg

        base, name = args.database_url.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
    me = [sys.executable, __file__, "--data-dir", data_dir, "--orders", str(args.orders)]
    if args.database_url:
        me += ["--database-url", args.database_url]
    provider = subprocess.Popen(
        [*me, "--role", "provider"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert provider.stdout and provider.stdin
    where = json.loads(provider.stdout.readline())
    setup_django(args.database_url, data_dir)
    from django.db import connection

    print(f"seeding {args.orders} orders on {connection.vendor} …", file=sys.stderr)
    seed(args.orders, where["url"], where["key"])
    from smmpanel.worker.loop import run_once

    results = {}
    reset()
    started = time.perf_counter()
    handled = run_once()
    elapsed = time.perf_counter() - started
    results["one worker"] = handled / elapsed
    if connection.vendor == "postgresql":
        reset()
        connection.close()
        started = time.perf_counter()
        workers = [subprocess.Popen([*me, "--role", "worker"], stdout=subprocess.PIPE, text=True)
                   for _ in range(2)]  # fmt: skip
        handled = sum(int(w.communicate()[0].strip().splitlines()[-1]) for w in workers)
        elapsed = time.perf_counter() - started
        results["two workers"] = handled / elapsed
    provider.stdin.close()
    calls = json.loads(provider.stdout.readline())
    provider.wait()
    rounds = len(results)
    print(f"database: {connection.vendor}; orders in progress at the provider: {args.orders}")
    for label, rate in results.items():
        print(f"  {label:12} {rate:10.0f} orders reconciled per second")
    polled = args.orders * rounds
    print(f"  provider calls per order polled: {calls.get('status', 0) / polled:.4f} "
          f"({calls.get('status', 0)} status calls for {polled} order polls)")  # fmt: skip
    if connection.vendor != "postgresql":
        print("  (two workers: PostgreSQL only; give --database-url)")


if __name__ == "__main__":
    main()
