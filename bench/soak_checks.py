"""The soak's end (bench/soak.py): the invariants, read from both panels' databases and
`smmpanel audit`, and the figures."""

import statistics
import subprocess
import sys
from collections import Counter
from typing import Any

import psycopg

SMMPANEL = [sys.executable, "-m", "smmpanel"]
SENT_OR_REVIEW = ("sent", "review")


def _rows(url: str, query: str) -> list[tuple]:
    with psycopg.connect(url) as db:
        return db.execute(query).fetchall()  # type: ignore[arg-type]


def check(soak: Any, load: Any, unsettled: int) -> list[str]:
    """Every violated invariant, in words (empty: all hold)."""
    violations = []
    for name, env in (("reseller", soak.reseller_env), ("upstream", soak.upstream_env)):
        audit = subprocess.run([*SMMPANEL, "audit"], env=env, capture_output=True, text=True)
        if audit.returncode:
            violations.append(f"`smmpanel audit` fails on the {name}: {audit.stdout.strip()}")
    if server_errors := {kind: n for kind, n in load.errors.items() if "HTTP 5" in kind}:
        violations.append(f"the API failed with server errors: {server_errors}")
    if unsettled:
        violations.append(f"{unsettled} orders neither final nor in review")
    if any("failed" in line for line in soak.chaos_log):
        violations.append("the chaos step failed: " + "; ".join(soak.chaos_log))

    orders = _rows(soak.reseller_db, "SELECT id, idempotency_key, link FROM orders_order")
    by_key = Counter(key for _, key, _ in orders)
    ids_by_key = {key: pk for pk, key, _ in orders}
    if missing := [key for key, pk in load.acked.items() if ids_by_key.get(key) != pk]:
        violations.append(f"{len(missing)} acknowledged orders lost (e.g. {missing[:3]})")
    if twice := [key for key, count in by_key.items() if count > 1 or key is None]:
        violations.append(f"{len(twice)} idempotency keys with several orders or none")
    live = _rows(
        soak.reseller_db,
        "SELECT o.link, u.state, u.upstream_id, o.status FROM providers_upstreamorder u"
        " JOIN orders_order o ON o.id = u.order_id WHERE u.state IN ('sending', 'sent', 'review')",
    )
    if len({link for link, *_ in live}) != len(live):
        violations.append("an order with several live upstream attempts at the reseller")
    upstream = _rows(soak.upstream_db, "SELECT id, link, status FROM orders_order")
    per_link = Counter(link for _, link, _ in upstream)
    if placed_twice := [link for link, count in per_link.items() if count > 1]:
        violations.append(f"{len(placed_twice)} orders placed twice upstream: {placed_twice[:3]}")
    known = {link: (state, upstream_id, status) for link, state, upstream_id, status in live}
    unknown = [link for _, link, _ in upstream if known.get(link, ("",))[0] not in SENT_OR_REVIEW]
    if unknown:
        violations.append(f"{len(unknown)} upstream orders unknown to the reseller: {unknown[:3]}")
    disagree = [
        link for pk, link, status in upstream
        if link in known and known[link][0] == "sent"
        and (known[link][1] != str(pk) or known[link][2] in ("Completed", "Partial", "Canceled")
             and known[link][2] != status)
    ]  # fmt: skip
    if disagree:
        violations.append(f"{len(disagree)} orders whose upstream id or final status disagree")
    return violations


def _ms(values: list[float], quantile: int) -> str:
    if len(values) < 2:
        return "-"
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return f"{cuts[quantile - 1] * 1000:.0f}"


def report(soak: Any, load: Any, options: Any, took: float, violations: list[str]) -> None:
    statuses = _rows(
        soak.reseller_db,
        "SELECT o.status, EXISTS (SELECT 1 FROM providers_upstreamorder u WHERE u.order_id = o.id"
        " AND u.state = 'review') FROM orders_order o",
    )
    attempts = Counter(state for (state,) in _rows(
        soak.reseller_db, "SELECT state FROM providers_upstreamorder"))  # fmt: skip
    print(f"soak: {options.orders} orders by {options.clients} clients on 2 API servers and "
          f"2 workers (PostgreSQL), upstream fault rate {options.fault_rate:.0%}")  # fmt: skip
    print(f"  placing: {len(load.acked)} acknowledged in {load.seconds:.1f} s = "
          f"{len(load.acked) / load.seconds:.1f} orders/s; {load.requests} requests = "
          f"{load.requests / load.seconds:.1f} requests/s")  # fmt: skip
    for action, values in sorted(load.latency.items()):
        print(f"  latency {action:7} p50 {_ms(values, 50)} ms  p99 {_ms(values, 99)} ms  "
              f"({len(values)} replies)")  # fmt: skip
    print(f"  client errors by kind (retried with the same key): {dict(load.errors) or 'none'}")
    print(f"  refused orders: {dict(load.refused) or 'none'}; gave up: {len(load.gave_up)}")
    faults = Counter({f"{action} {kind}": n for (action, kind), n in soak.proxy.counts.items()
                      if kind != "ok"})  # fmt: skip
    print(f"  upstream faults injected: {dict(sorted(faults.items())) or 'none'}")
    final = Counter(status if not review else "in review" for status, review in statuses)
    print(f"  reseller orders: {dict(sorted(final.items()))}, settled in {took:.1f} s")
    print(f"  upstream attempts by state: {dict(sorted(attempts.items()))}")
    print(f"  chaos: {'; '.join(soak.chaos_log) or 'none'}")
    if violations:
        print("VIOLATED:")
        for violation in violations:
            print(f"  - {violation}")
    else:
        print("  all invariants hold: audit passes on both panels, nothing lost, nothing placed "
              "twice upstream, every order final or in review")  # fmt: skip
