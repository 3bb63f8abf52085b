"""`smmpanel provider …`: add a provider, import or sync its catalog, list providers, check
balances.
Each change is audited in the name of the CLI (`Actor.cli()`).

Text for people, one JSON object with `--json`. The import shows a progress bar on stderr (not
with `--json`).
"""

import argparse
import json
import sys
from decimal import Decimal
from typing import TYPE_CHECKING, Any

# The parser is built before Django is set up: the handlers import the domain when they run.
if TYPE_CHECKING:
    from smmpanel.providers.catalog_import import ImportReport
    from smmpanel.providers.models import Provider, ProviderService


def _print(args: argparse.Namespace, data: dict, text: str) -> None:
    print(json.dumps(data) if args.json else text)


def _amount(text: str | None, what: str) -> Decimal | None:
    from smmpanel.money import parse_amount
    from smmpanel.providers.errors import ProviderError, ProviderErrorCode

    if text is None:
        return None
    try:
        return parse_amount(text) if what == "money" else Decimal(text.strip())
    except Exception:
        raise ProviderError(ProviderErrorCode.NOT_A_NUMBER, text=text) from None


def describe(provider: "Provider") -> dict[str, Any]:
    from django.conf import settings

    from smmpanel.money import format_amount

    currency = provider.currency or settings.CURRENCY
    return {
        "name": provider.name,
        "url": provider.url,
        "key": provider.key_hint,
        "dialect": json.loads(provider.dialect or "{}"),
        "currency": currency,
        "exchange_rate": str(provider.exchange_rate.normalize()),
        "enabled": provider.enabled,
        "balance": format_amount(provider.balance, currency)
        if provider.balance is not None
        else None,
        "low_balance": provider.balance_is_low,
        "error": provider.last_error,
    }


def cmd_add(args: argparse.Namespace) -> None:
    from smmpanel.audit.log import Actor
    from smmpanel.providers.operations import add_provider

    provider = add_provider(
        acting_user=Actor.cli(),
        name=args.name,
        url=args.url,
        key=args.key,
        dialect=args.dialect,
        exchange_rate=_amount(args.exchange_rate, "rate"),
        low_balance=_amount(args.low_balance, "money"),
        min_margin=_margin(args.min_margin),
    )
    data = describe(provider)
    _print(
        args,
        data,
        f"provider {provider.name} added ({data['dialect']}); "
        f"balance {data['balance']} {data['currency']}",
    )


def _margin(text: str | None) -> Decimal | None:
    from smmpanel.providers.errors import ProviderError, ProviderErrorCode
    from smmpanel.providers.pricing import parse_markup

    if text is None:
        return None
    try:
        return parse_markup(text)
    except ProviderError:
        raise ProviderError(ProviderErrorCode.INVALID_MIN_MARGIN) from None


def _set_min_margin(provider: "Provider", text: str | None) -> "Provider":
    from smmpanel.audit.log import Actor
    from smmpanel.providers.catalog_sync import set_sync_settings

    margin = _margin(text)
    if margin is None:
        return provider
    return set_sync_settings(
        acting_user=Actor.cli(),
        provider_id=provider.pk,
        sync_minutes=provider.sync_minutes,
        min_margin=margin,
        rise_limit=provider.rise_limit,
    )


def report_text(report: "ImportReport") -> str:
    """The import's (and the sync's) report for people: counts, then one line per change."""
    lines = [
        f"{len(report.created)} created, {len(report.updated)} updated, "
        f"{report.unchanged} unchanged, {len(report.disabled)} disabled, "
        f"{len(report.enabled)} enabled again, {len(report.skipped)} skipped",
    ]
    lines += [
        f"  price of service {c.service} ({c.name}): {c.old_rate} -> {c.new_rate}"
        for c in report.price_changes
    ]
    rise = set(report.price_rise)
    lines += [
        f"  disabled service {pk}: "
        + ("the provider's price rose above the limit" if pk in rise else "no longer listed")
        for pk in report.disabled
    ]
    lines += [f"  enabled service {pk}: listed again" for pk in report.enabled]
    lines += [f"  skipped {reason}" for reason in report.skipped]
    return "\n".join(lines)


def cmd_import(args: argparse.Namespace) -> None:
    from smmpanel.audit.log import Actor
    from smmpanel.providers.catalog_import import import_catalog, parse_category_map
    from smmpanel.providers.operations import provider_named
    from smmpanel.providers.pricing import parse_markup

    provider = _set_min_margin(provider_named(args.name), args.min_margin)
    markup = parse_markup(args.markup) if args.markup is not None else None
    category_map = parse_category_map(args.category_map)
    bar = None
    if not args.json:
        from tqdm import tqdm

        bar = tqdm(total=0, unit="service", file=sys.stderr, desc=f"importing {provider.name}")

    def progress(done: int, total: int) -> None:
        if bar is not None:
            bar.total = total
            bar.update(done - bar.n)

    try:
        report = import_catalog(
            acting_user=Actor.cli(),
            provider=provider,
            markup=markup,
            category_map=category_map,
            progress=progress,
        )
    finally:
        if bar is not None:
            bar.close()
    _print(args, report.as_dict(), report_text(report))


def cmd_sync(args: argparse.Namespace) -> None:
    from smmpanel.audit.log import Actor
    from smmpanel.providers.catalog_sync import sync_provider
    from smmpanel.providers.operations import provider_named

    report = sync_provider(acting_user=Actor.cli(), provider=provider_named(args.name))
    _print(args, report.as_dict(), report_text(report))


def cmd_list(args: argparse.Namespace) -> None:
    from smmpanel.providers.models import Provider

    providers = [describe(p) for p in Provider.objects.all()]
    lines = [
        f"{p['name']:20} {p['url']:40} balance {p['balance'] or '?'} {p['currency']}"
        + (" LOW" if p["low_balance"] else "")
        + ("" if p["enabled"] else " (disabled)")
        for p in providers
    ]
    _print(args, {"providers": providers}, "\n".join(lines) or "no providers")


def cmd_balance(args: argparse.Namespace) -> None:
    from smmpanel.audit.log import Actor
    from smmpanel.providers.operations import check_balance, provider_named

    provider = check_balance(acting_user=Actor.cli(), provider=provider_named(args.name))
    data = describe(provider)
    warning = " (low)" if provider.balance_is_low else ""
    _print(args, data, f"{provider.name}: {data['balance']} {data['currency']}{warning}")


def route_for(spec: str) -> "ProviderService":
    """`PROVIDER:SERVICE_ID` -> the provider service (imported or listed by the provider)."""
    from smmpanel.providers.errors import ProviderError, ProviderErrorCode
    from smmpanel.providers.models import ProviderService
    from smmpanel.providers.operations import provider_named

    name, sep, service_id = spec.rpartition(":")
    if not sep:
        raise ProviderError(ProviderErrorCode.INVALID_ROUTE)
    provider_service = ProviderService.objects.filter(
        provider=provider_named(name), service_id=service_id.strip()
    ).first()
    if provider_service is None:
        raise ProviderError(
            ProviderErrorCode.UNKNOWN_PROVIDER_SERVICE, provider=name, service=service_id
        )
    return provider_service


MIN_MARGIN_HELP = "never sell below cost plus this percent, e.g. 10%%"


def add_arguments(commands: argparse._SubParsersAction) -> None:
    provider = commands.add_parser("provider", help="upstream providers").add_subparsers(
        dest="provider_command", required=True
    )
    add = provider.add_parser("add", help="add an upstream provider (checks its balance)")
    add.add_argument("name")
    add.add_argument("--url", required=True, help="the provider's full API URL")
    add.add_argument("--key", required=True)
    add.add_argument(
        "--dialect", default="auto", help="auto (detect) or words: form,json,get,bearer,numeric"
    )
    add.add_argument("--exchange-rate", help="panel currency per 1 unit of the provider's")
    add.add_argument("--low-balance", help="warn at or below this balance")
    add.add_argument("--min-margin", help=MIN_MARGIN_HELP)
    add.add_argument("--json", action="store_true")
    add.set_defaults(handler=cmd_add)

    imp = provider.add_parser("import", help="import or update the provider's services")
    imp.add_argument("name")
    imp.add_argument("--markup", help="percent over the cost, e.g. 30%% (default: keep; new 0%%)")
    imp.add_argument(
        "--category-map",
        action="append",
        default=[],
        metavar="UPSTREAM=LOCAL",
        help="put the provider's category UPSTREAM into LOCAL (repeat for more)",
    )
    imp.add_argument("--min-margin", help=MIN_MARGIN_HELP + " (kept for later syncs)")
    imp.add_argument("--json", action="store_true")
    imp.set_defaults(handler=cmd_import)

    sync = provider.add_parser(
        "sync", help="sync the provider's catalog now (as the worker does on schedule)"
    )
    sync.add_argument("name")
    sync.add_argument("--json", action="store_true")
    sync.set_defaults(handler=cmd_sync)

    list_ = provider.add_parser("list", help="providers and their balances")
    list_.add_argument("--json", action="store_true")
    list_.set_defaults(handler=cmd_list)

    balance = provider.add_parser("balance", help="check a provider's balance now")
    balance.add_argument("name")
    balance.add_argument("--json", action="store_true")
    balance.set_defaults(handler=cmd_balance)
