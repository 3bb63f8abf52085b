"""Importing a provider's catalog as services of the panel, with a markup.

A re-import updates what the import set and keeps what the operator set: a service the operator
renamed keeps its name, a route with the operator's own markup keeps it. A price change upstream
moves the resale rate (reported), never below the cost. Services the provider no longer lists are
disabled; they come back when it lists them again.
"""

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from smmpanel.audit.log import Actor, record
from smmpanel.catalog.errors import CatalogError
from smmpanel.catalog.models import Fulfilment, Service, ServiceRoute
from smmpanel.catalog.operations import NewRoute, new_service
from smmpanel.catalog.order_types import OrderType
from smmpanel.client import ClientError, ServiceInfo
from smmpanel.money import MAX_AMOUNT
from smmpanel.providers import connection
from smmpanel.providers.errors import ProviderError, ProviderErrorCode, call_failed
from smmpanel.providers.models import Provider, ProviderService
from smmpanel.providers.pricing import cost, resale_rate


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
) -> ImportReport:
    """Fetch the provider's services, then create or update one panel service per provider
    service, each in its own transaction. `markup` (percent) applies to new services and to
    routes without the operator's own markup; None keeps the routes' markups (new ones: 0%).

    The last transaction records `provider.import` with the report's counts (`summary`), unless
    the import changed no service. Services it creates come from the catalog's `new_service`;
    one entry describes them all, not one per service.
    """
    try:
        with connection.client_for(provider) as client:
            upstream = client.services()
    except ClientError as error:
        raise call_failed(error) from None
    report = ImportReport()
    seen = set()
    for done, info in enumerate(upstream, start=1):
        seen.add(info.service)
        with transaction.atomic():
            _import_one(provider, info, markup, category_map or {}, report)
        if progress:
            progress(done, len(upstream))
    with transaction.atomic():
        _unlist_missing(provider, seen, report)
        if report.changed_anything:
            record(
                acting_user,
                "provider.import",
                obj=provider,
                summary=f"markup {markup}%" if markup is not None else "",
                after=report.summary(),
            )
    return report


def _provider_service(provider: Provider, info: ServiceInfo) -> tuple[ProviderService, bool]:
    """Record the upstream service; also say whether it was unlisted until now."""
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
    return provider_service, was_unlisted


def _import_one(
    provider: Provider,
    info: ServiceInfo,
    markup: Decimal | None,
    category_map: Mapping[str, str],
    report: ImportReport,
) -> None:
    provider_service, was_unlisted = _provider_service(provider, info)
    routes = list(
        ServiceRoute.objects.filter(provider_service=provider_service).select_related("service")
    )
    if not routes:
        _create_service(provider_service, info, markup or Decimal(0), category_map, report)
        return
    for route in routes:
        _update_service(route, provider_service, info, markup, was_unlisted, report)


def _create_service(
    provider_service: ProviderService,
    info: ServiceInfo,
    markup: Decimal,
    category_map: Mapping[str, str],
    report: ImportReport,
) -> None:
    name = info.name.strip()[:500] or f"{provider_service.provider.name} #{info.service}"
    rate = resale_rate(provider_service, markup)
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


def _update_service(
    route: ServiceRoute,
    provider_service: ProviderService,
    info: ServiceInfo,
    markup: Decimal | None,
    was_unlisted: bool,
    report: ImportReport,
) -> None:
    service = Service.objects.select_for_update().get(pk=route.service_id)
    before = (service.name, service.rate, service.min_quantity, service.max_quantity,
              service.refill, service.cancel, service.dripfeed, service.active)  # fmt: skip
    if markup is not None and not route.own_markup:
        route.markup = markup
    if service.name == route.imported_name and info.name.strip():
        service.name = info.name.strip()[:500]
    route.imported_name = info.name[:500]
    route.save(update_fields=["markup", "imported_name"])
    primary = service.routes.order_by("priority", "id").first()
    if primary is not None and primary.pk == route.pk:
        _follow_upstream(service, route, provider_service, info, report)
        if was_unlisted and not service.active:
            service.active = True
            report.enabled.append(service.pk)
    elif cost(provider_service) > service.rate:
        report.skipped.append(
            f"{info.service}: costs more than service {service.pk} sells for; route not used"
        )
    after = (service.name, service.rate, service.min_quantity, service.max_quantity,
             service.refill, service.cancel, service.dripfeed, service.active)  # fmt: skip
    if after == before:
        report.unchanged += 1
        return
    service.save()
    report.updated.append(service.pk)


def _follow_upstream(
    service: Service,
    route: ServiceRoute,
    provider_service: ProviderService,
    info: ServiceInfo,
    report: ImportReport,
) -> None:
    """The primary route sets the price and bounds what the service may promise."""
    rate = resale_rate(provider_service, route.markup)
    if rate != service.rate and rate < MAX_AMOUNT:
        report.price_changes.append(
            PriceChange(service.pk, service.name, str(service.rate), str(rate))
        )
        service.rate = rate
    # Keep the operator's narrower range; never promise outside the provider's.
    low, high = max(service.min_quantity, info.min), min(service.max_quantity, info.max)
    if 1 <= low <= high:
        service.min_quantity, service.max_quantity = low, high
    elif 1 <= info.min <= info.max:
        service.min_quantity, service.max_quantity = info.min, info.max
    service.refill, service.cancel = info.refill, info.cancel
    service.dripfeed = info.dripfeed or service.dripfeed  # the panel splits runs itself


def _unlist_missing(provider: Provider, seen: set[str], report: ImportReport) -> None:
    gone = ProviderService.objects.filter(provider=provider, listed=True).exclude(
        service_id__in=seen
    )
    gone.update(listed=False)
    orphaned = (
        Service.objects.filter(fulfilment=Fulfilment.PROVIDER, active=True, routes__isnull=False)
        .exclude(routes__provider_service__listed=True)
        .distinct()
    )
    disabled = list(orphaned.values_list("pk", flat=True))
    # update() skips auto_now.
    Service.objects.filter(pk__in=disabled).update(active=False, updated_at=timezone.now())
    report.disabled.extend(disabled)
