"""The public Updates page and its Atom feed: every change of the catalog a customer cares about
(prices, services disabled, enabled or new, ranges), newest first."""

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from smmpanel.catalog.models import Category, ServiceUpdate
from smmpanel.catalog.updates import shown_updates
from smmpanel.panel.list_views import _page_of
from smmpanel.panel.templatetags.money import exact_money

FEED_SIZE = 50


def _filters(request: HttpRequest) -> tuple[int | None, str]:
    category = request.GET.get("category", "")
    kind = request.GET.get("kind", "")
    known = category.isascii() and category.isdigit() and len(category) < 12
    return (int(category) if known else None), (kind if kind in ServiceUpdate.Kind.values else "")


def updates(request: HttpRequest) -> HttpResponse:
    """The Updates page, filtered by category and kind."""
    category_id, kind = _filters(request)
    rows = shown_updates(category_id=category_id, kind=kind)
    return render(
        request,
        "panel/updates.html",
        {
            "page": _page_of(request, rows),
            "categories": Category.objects.filter(services__updates__hidden=False).distinct(),
            "kinds": ServiceUpdate.Kind.choices,
            "category": category_id,
            "kind": kind,
            "query": request.GET.urlencode(),
        },
    )


def describe(update: ServiceUpdate) -> str:
    """One line for people: what changed, in the request's language."""
    if update.is_price:
        return _("%(kind)s: %(old)s → %(new)s") % {
            "kind": update.get_kind_display(),
            "old": exact_money(update.old_rate),
            "new": exact_money(update.new_rate),
        }
    if update.kind == ServiceUpdate.Kind.RANGE:
        return _("Min/max changed: %(old)s → %(new)s") % {"old": update.old, "new": update.new}
    if update.kind == ServiceUpdate.Kind.NEW:
        return _("New service: %(rate)s per 1000") % {"rate": exact_money(update.new_rate)}
    return str(update.get_kind_display())


class UpdatesFeed(Feed):
    """The Updates page as an Atom feed (same filters), in the request's language."""

    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, *args: object, **kwargs: object) -> dict:
        category_id, kind = _filters(request)
        return {"category_id": category_id, "kind": kind}

    def title(self, obj: dict) -> str:
        return _("Service updates")

    def subtitle(self, obj: dict) -> str:
        return _("Prices and services that changed, newest first.")

    def link(self, obj: dict) -> str:
        return reverse("panel:updates")

    def items(self, obj: dict) -> QuerySet[ServiceUpdate]:
        return shown_updates(**obj)[:FEED_SIZE]

    def item_title(self, item: ServiceUpdate) -> str:
        return f"{item.service_id} {item.service.name} — {describe(item)}"

    def item_description(self, item: ServiceUpdate) -> str:
        return f"{item.service.category.name}: {describe(item)}"

    def item_link(self, item: ServiceUpdate) -> str:
        return f"{reverse('panel:updates')}#update-{item.pk}"

    def item_pubdate(self, item: ServiceUpdate):  # noqa: ANN201 - Feed's hook
        return item.created_at

    def item_updateddate(self, item: ServiceUpdate):  # noqa: ANN201 - Feed's hook
        return item.created_at
