"""Importing a provider's catalog as services of the panel, with a markup.

A re-import (or a scheduled sync, `providers.catalog_sync`) updates what the import set and keeps
what the operator set: a service the operator renamed keeps its name, a route with the operator's
own markup keeps it. A price change upstream moves the resale rate (reported), never below the
cost × (1 + the provider's minimum margin); a rise above the provider's limit disables the service
until the operator enables it. Services no provider lists any more are disabled; they come back
when listed again (only those: not the ones the operator or a price rise disabled). Each change
to a service is a catalog action (`catalog.provider_changes`) that records itself.
"""

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.db import transaction

from smmpanel.audit.log import Actor, record
from smmpanel.catalog.errors import CatalogError
from smmpanel.catalog.models import Fulfilment, InactiveReason, Service, ServiceRoute
from smmpanel.catalog.operations import NewRoute, new_service
from smmpanel.catalog.order_types import OrderType
from smmpanel.catalog.provider_changes import disable_services, enable_listed, follow_provider
from smmpanel.client import ClientError, ServiceInfo
from smmpanel.money import MAX_AMOUNT
from smmpanel.providers import connection
from smmpanel.providers.errors import ProviderError, ProviderErrorCode, call_failed
from smmpanel.providers.models import Provider, ProviderService
from smmpanel.providers.pricing import cost, guarded_rate, rose_too_much


@dataclass
class PriceChange:
    service: int
    name: str
    old_rate: str
    new_rate: str


@dataclass
class ImportReport:
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unchanged: int = 0
    disabled: list[int] = field(default_factory=list)
    enabled: list[int] = field(default_factory=list)
    price_changes: list[PriceChange] = field(default_factory=list)
    # Disabled because the provider's price rose above its limit (also in `disabled`).
    price_rise: list[int] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)

    def summary(self) -> dict:
        """What the import did, in counts (and the first reasons for skipping): its audit
        entry's `after` and the back-office's report."""
        return {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": self.unchanged,
            "disabled": len(self.disabled),
            "enabled": len(self.enabled),
            "price_changes": len(self.price_changes),
            "price_rise": len(self.price_rise),
            "skipped": self.skipped[:50],
        }

    @property
    def changed_anything(self) -> bool:
        return bool(self.created or self.updated or self.disabled or self.enabled)


def parse_category_map(pairs: list[str]) -> dict[str, str]:
    """`["Instagram Followers=Instagram", …]` -> {upstream category: local category}."""
    mapping = {}
    for pair in pairs:
        upstream, sep, local = pair.partition("=")
        if not sep or not upstream.strip() or not local.strip():
            raise ProviderError(ProviderErrorCode.INVALID_CATEGORY_MAP, entry=pair)
        mapping[upstream.strip()] = local.strip()
    return mapping


def import_catalog(
    *,
    acting_user: Actor,
    provider: Provider,
    markup: Decimal | None = None,
    category_map: Mapping[str, str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    action: str = "provider.import",
) -> ImportReport:
    """Fetch the provider's services, then create or update one panel service per provider
    service, each in its own transaction. `markup` (percent) applies to new services and to
    routes without the operator's own markup; None keeps the routes' markups (new ones: 0%).

    An entry of the catalog that can't be read is skipped and reported; the service it was stays
    as it is (when no id can be read from it, no service is disabled this time). ProviderError
    when the catalog can't be had at all: nothing is changed then.

    The last transaction records `action` (`provider.import`, or `provider.sync`) with the
    report's counts (`summary`), unless the import changed no service. Services it creates come
    from the catalog's `new_service`; one entry describes them all, not one per service. A
    service it changes is changed by the catalog's actions, each recording its own entry.
    """
    provider.refresh_from_db()  # its price guard as stored now
    try:
        with connection.client_for(provider) as client:
            upstream = client.catalog()
    except ClientError as error:
        raise call_failed(error) from None
    report = ImportReport()
    seen = {entry.service for entry in upstream.broken if entry.service is not None}
    report.skipped += [
        f"{entry.service or '?'}: unreadable entry ({entry.reason})" for entry in upstream.broken
    ]
    total = len(upstream.services)
    for done, info in enumerate(upstream.services, start=1):
        seen.add(info.service)
        with transaction.atomic():
            _import_one(acting_user, provider, info, markup, category_map or {}, report)
        if progress:
            progress(done, total)
    with transaction.atomic():
        if all(entry.service is not None for entry in upstream.broken):
            _unlist_missing(acting_user, provider, seen, report)
        if report.changed_anything:
            record(
                acting_user,
                action,
                obj=provider,
                summary=f"markup {markup}%" if markup is not None else "",
                after=report.summary(),
            )
    return report


def _provider_service(
    provider: Provider, info: ServiceInfo
) -> tuple[ProviderService, bool, Decimal | None]:
    """Record the upstream service; also say whether it was unlisted until now, and its rate
    until now (None when new)."""
    existing = ProviderService.objects.filter(provider=provider, service_id=info.service).first()
    was_unlisted = existing is not None and not existing.listed
    provider_service, _ = ProviderService.objects.update_or_create(
        provider=provider,
        service_id=info.service[:64],
        defaults={
            "name": info.name[:500],
            "type": info.type[:64],
            "category": info.category[:255],
            "rate": info.rate,
            "min_quantity": max(info.min, 0),
            "max_quantity": max(info.max, 0),
            "refill": info.refill,
            "cancel": info.cancel,
            "dripfeed": info.dripfeed,
            "description": info.description,
            "listed": True,
        },
    )
    provider_service.provider = provider
    return provider_service, was_unlisted, existing.rate if existing else None


def _import_one(
    acting_user: Actor,
    provider: Provider,
    info: ServiceInfo,
    markup: Decimal | None,
    category_map: Mapping[str, str],
    report: ImportReport,
) -> None:
    provider_service, was_unlisted, old_rate = _provider_service(provider, info)
    routes = list(
        ServiceRoute.objects.filter(provider_service=provider_service).select_related("service")
    )
    if not routes:
        _create_service(provider_service, info, markup or Decimal(0), category_map, report)
        return
    upstream = Upstream(info, provider_service, was_unlisted, old_rate)
    for route in routes:
        _update_service(acting_user, route, upstream, markup, report)


def _create_service(
    provider_service: ProviderService,
    info: ServiceInfo,
    markup: Decimal,
    category_map: Mapping[str, str],
    report: ImportReport,
) -> None:
    name = info.name.strip()[:500] or f"{provider_service.provider.name} #{info.service}"
    rate = guarded_rate(provider_service, markup)
    reason = _unfit(info, rate)
    if reason is None:
        try:
            service = new_service(
                name=name,
                category=category_map.get(info.category, info.category) or "Other",
                type=info.type,
                rate=rate,
                min_quantity=info.min,
                max_quantity=info.max,
                refill=info.refill,
                cancel=info.cancel,
                dripfeed=info.dripfeed,
                description=info.description,
                fulfilment=Fulfilment.PROVIDER,
                routes=[NewRoute(provider_service, markup, imported_name=info.name[:500])],
            )
        except CatalogError as error:  # raised before anything of the service is written
            reason = error.message
        else:
            report.created.append(service.pk)
            return
    report.skipped.append(f"{info.service} {info.name[:80]}: {reason}")


def _unfit(info: ServiceInfo, rate: Decimal) -> str | None:
    """Why the panel can't sell this upstream service, before the catalog's own checks."""
    if info.type not in OrderType.values:
        return f"unknown type {info.type[:40]!r}"
    if rate >= MAX_AMOUNT:
        return "rate too large"
    return None


@dataclass
class Upstream:
    """A provider service as the provider lists it now, and what it was before."""

    info: ServiceInfo
    provider_service: ProviderService
    was_unlisted: bool
    old_rate: Decimal | None


def _update_service(
    acting_user: Actor,
    route: ServiceRoute,
    upstream: Upstream,
    markup: Decimal | None,
    report: ImportReport,
) -> None:
    info, provider_service = upstream.info, upstream.provider_service
    service = Service.objects.select_for_update().get(pk=route.service_id)
    if markup is not None and not route.own_markup:
        route.markup = markup
    values: dict = {}
    if service.name == route.imported_name and info.name.strip():
        values["name"] = info.name.strip()[:500]
    route.imported_name = info.name[:500]
    route.save(update_fields=["markup", "imported_name"])
    primary = service.routes.order_by("priority", "id").first()
    is_primary = primary is not None and primary.pk == route.pk
    if is_primary:
        values.update(_follow_upstream(service, route, upstream, report))
    elif cost(provider_service) > service.rate:
        report.skipped.append(
            f"{info.service}: costs more than service {service.pk} sells for; route not used"
        )
    summary = f"provider {provider_service.provider.name} #{info.service}"
    if follow_provider(acting_user=acting_user, service_id=service.pk, summary=summary, **values):
        report.updated.append(service.pk)
    else:
        report.unchanged += 1
    if upstream.was_unlisted and not service.active:
        report.enabled += enable_listed(
            acting_user=acting_user, service_ids=[service.pk], summary=summary
        )
    # Only the route that prices the service can make it too dear.
    if is_primary and service.active and rose_too_much(provider_service, upstream.old_rate):
        disabled = disable_services(
            acting_user=acting_user,
            service_ids=[service.pk],
            reason=InactiveReason.PRICE_RISE,
            summary=f"{summary}: price {upstream.old_rate} -> {info.rate}",
        )
        report.disabled += disabled
        report.price_rise += disabled


def _follow_upstream(
    service: Service, route: ServiceRoute, upstream: Upstream, report: ImportReport
) -> dict:
    """The primary route sets the price and bounds what the service may promise."""
    info = upstream.info
    values: dict = {}
    rate = guarded_rate(upstream.provider_service, route.markup)
    if rate != service.rate and rate < MAX_AMOUNT:
        report.price_changes.append(
            PriceChange(service.pk, service.name, str(service.rate), str(rate))
        )
        values["rate"] = rate
    # Keep the operator's narrower range; never promise outside the provider's.
    low, high = max(service.min_quantity, info.min), min(service.max_quantity, info.max)
    if 1 <= low <= high:
        values["min_quantity"], values["max_quantity"] = low, high
    elif 1 <= info.min <= info.max:
        values["min_quantity"], values["max_quantity"] = info.min, info.max
    values["refill"], values["cancel"] = info.refill, info.cancel
    values["dripfeed"] = info.dripfeed or service.dripfeed  # the panel splits runs itself
    return values


def _unlist_missing(
    acting_user: Actor, provider: Provider, seen: set[str], report: ImportReport
) -> None:
    gone = ProviderService.objects.filter(provider=provider, listed=True).exclude(
        service_id__in=seen
    )
    gone.update(listed=False)
    orphaned = (
        Service.objects.filter(fulfilment=Fulfilment.PROVIDER, active=True, routes__isnull=False)
        .exclude(routes__provider_service__listed=True)
        .distinct()
    )
    report.disabled += disable_services(
        acting_user=acting_user,
        service_ids=list(orphaned.values_list("pk", flat=True)),
        reason=InactiveReason.UNLISTED,
        summary=f"provider {provider.name}: no longer listed",
    )
