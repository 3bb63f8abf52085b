"""Provider pages: add, test the connection, import the catalog with its progress, orders in
review, and the dashboard's profit on provider orders."""

from decimal import Decimal

import pytest
from django.urls import reverse

from smmpanel.accounts import ledger
from smmpanel.accounts.models import LedgerEntry
from smmpanel.audit.log import Actor
from smmpanel.audit.models import AuditEntry
from smmpanel.backoffice import imports
from smmpanel.backoffice.models import CatalogImport
from smmpanel.catalog.models import Fulfilment, Service
from smmpanel.orders.models import OrderStatus
from smmpanel.providers.models import Provider, UpstreamState
from smmpanel.worker.loop import run_once
from tests.providers.fixtures import order_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def inline_imports(monkeypatch):
    """Run imports in the request's thread, so that the test sees their end."""
    monkeypatch.setattr(imports, "launch", lambda target, *args: target(*args))


def test_pages_are_for_admins_only(admin_op, support_op, provider):
    assert admin_op.get(reverse("backoffice:providers")).status_code == 200
    assert support_op.get(reverse("backoffice:providers")).status_code == 403
    url = reverse("backoffice:provider_check", args=[provider.pk])
    assert support_op.post(url).status_code == 403


def test_add_a_provider_checks_it_and_never_shows_or_logs_the_key(admin_op, upstream):
    data = {"name": "Upstream <1>", "url": upstream.url, "key": upstream.key, "dialect": "form"}
    assert admin_op.post(reverse("backoffice:provider_add"), data).status_code == 302
    provider = Provider.objects.get(name="Upstream <1>")
    assert provider.balance == Decimal("1000000")
    page = admin_op.get(reverse("backoffice:providers")).content.decode()
    assert upstream.key not in page and "Upstream &lt;1&gt;" in page
    entry = AuditEntry.objects.get(action="provider.add")
    assert upstream.key not in str(entry.after) and entry.after["key_hint"] == provider.key_hint


def test_a_refused_key_adds_nothing_and_says_why(admin_op, upstream):
    data = {"name": "Bad", "url": upstream.url, "key": "wrong-key", "dialect": "form"}
    response = admin_op.post(reverse("backoffice:provider_add"), data)
    assert response.status_code == 400
    assert not Provider.objects.exists() and not AuditEntry.objects.exists()


def test_test_connection_records_the_balance(admin_op, provider):
    Provider.objects.filter(pk=provider.pk).update(balance=1)
    admin_op.post(reverse("backoffice:provider_check", args=[provider.pk]))
    provider.refresh_from_db()
    assert provider.balance == Decimal("1000000")
    assert AuditEntry.objects.get(action="provider.check").after == {"balance": "1000000.00000"}


def test_import_reports_progress_then_its_result(admin_op, provider, upstream, inline_imports):
    response = admin_op.post(
        reverse("backoffice:provider_import", args=[provider.pk]), {"markup": "30"}
    )
    job = CatalogImport.objects.get()
    assert response["Location"] == reverse("backoffice:import_progress", args=[job.pk])
    assert (job.state, job.done, job.total) == ("done", 3, 3)
    assert job.report["created"] == 3
    assert Service.objects.filter(fulfilment=Fulfilment.PROVIDER).count() == 3
    page = admin_op.get(response["Location"]).content.decode()
    assert 'value="3" max="3"' in page
    bar = admin_op.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert bar.lstrip().startswith("<section") and "every 1s" not in bar
    entry = AuditEntry.objects.get(action="provider.import")
    assert entry.actor_name == "alice" and entry.after["created"] == 3


def test_a_running_import_polls_and_a_second_start_joins_it(admin_op, provider, monkeypatch):
    monkeypatch.setattr(imports, "launch", lambda target, *args: None)  # never finishes
    url = reverse("backoffice:provider_import", args=[provider.pk])
    first = admin_op.post(url, {"markup": "10"})["Location"]
    second = admin_op.post(url, {"markup": "10"})["Location"]
    assert first == second and CatalogImport.objects.count() == 1
    bar = admin_op.get(first, HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in bar


def test_an_order_in_review_is_canceled_with_one_refund(admin_op, followers, upstream):
    upstream.fail("http500", actions="add", performed=True)
    order = order_of(followers)
    run_once()
    assert order.upstream_orders.get().state == UpstreamState.REVIEW
    requests_page = admin_op.get(reverse("backoffice:requests"))
    assert order in list(requests_page.context["in_review"])
    url = reverse("backoffice:review_decide", args=[order.pk])
    admin_op.post(url, {"decision": "cancel"})
    admin_op.post(url, {"decision": "cancel"})  # not in review any more: refused
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELED
    assert LedgerEntry.objects.filter(order=order, kind="refund").count() == 1
    assert ledger.audit() == []
    assert AuditEntry.objects.get(action="review.cancel").after["status"] == "Canceled"


def test_bulk_resend_of_an_order_in_review_resolves_it(admin_op, followers, upstream):
    upstream.fail("http500", actions="add", performed=False, times=1)
    order = order_of(followers)
    run_once()
    assert order.upstream_orders.get().state == UpstreamState.REVIEW
    admin_op.post(reverse("backoffice:order_bulk"), {"order": [order.pk], "action": "resend"})
    assert order.upstream_orders.get().state == UpstreamState.RESOLVED
    run_once()
    assert order.upstream_orders.filter(state=UpstreamState.SENT).count() == 1


def test_dashboard_profit_is_charge_less_cost_on_provider_orders(admin_op, provider, upstream):
    from smmpanel.providers.catalog_import import import_catalog

    import_catalog(acting_user=Actor.cli(), provider=provider, markup=Decimal(30))
    followers = Service.objects.get(routes__provider_service__service_id=upstream.service_id(0))
    order = order_of(followers, quantity=1000)
    run_once()
    assert order.upstream_orders.get().state == UpstreamState.SENT
    today = admin_op.get(reverse("backoffice:dashboard")).context["today"]
    # Sold at 0.90 + 30% = 1.17 per 1000; bought at 0.90.
    assert (today["profit"], today["costed"]) == (Decimal("0.27000"), 1)
    filtered = admin_op.get(reverse("backoffice:orders"), {"provider": provider.pk})
    assert [o.pk for o in filtered.context["page"]] == [order.pk]


def test_route_markup_reprices_the_service_and_imports_keep_it(admin_op, provider, upstream):
    from smmpanel.catalog.models import ServiceRoute
    from smmpanel.providers.catalog_import import import_catalog

    import_catalog(acting_user=Actor.cli(), provider=provider, markup=Decimal(30))
    likes = Service.objects.get(routes__provider_service__service_id=upstream.service_id(1))
    route = ServiceRoute.objects.get(service=likes)
    page = admin_op.get(reverse("backoffice:service_edit", args=[likes.pk]))
    assert list(page.context["routes"]) == [route]
    admin_op.post(reverse("backoffice:route_markup", args=[route.pk]), {"markup": "50"})
    likes.refresh_from_db()
    # 0.27819 × 1.5 = 0.417285, rounded up to the money scale: never below cost.
    assert likes.rate == Decimal("0.41729")
    import_catalog(acting_user=Actor.cli(), provider=provider, markup=Decimal(10))
    likes.refresh_from_db()
    assert likes.rate == Decimal("0.41729")
    entry = AuditEntry.objects.get(action="route.markup")
    assert entry.before["rate"] == "0.36165" and entry.after["rate"] == "0.41729"
    response = admin_op.post(reverse("backoffice:route_markup", args=[route.pk]), {"markup": "-5"})
    assert response.status_code == 302
    likes.refresh_from_db()
    assert likes.rate == Decimal("0.41729")


def test_support_can_not_change_a_routes_markup(support_op, followers):
    route = followers.routes.get()
    url = reverse("backoffice:route_markup", args=[route.pk])
    assert support_op.post(url, {"markup": "0"}).status_code == 403


def test_moving_a_route_first_makes_it_price_the_service(admin_op, followers):
    from smmpanel.catalog.models import ServiceRoute
    from smmpanel.client.testing import FakeUpstream
    from tests.providers.fixtures import connect

    with FakeUpstream() as other:
        second = connect(other, name="second")
        from smmpanel.providers.catalog_import import import_catalog

        import_catalog(acting_user=Actor.cli(), provider=second, markup=Decimal(0))
        cheaper = second.services.get(service_id=other.service_id(1))  # 0.27819
        route = ServiceRoute.objects.create(
            service=followers, provider_service=cheaper, priority=2, markup=Decimal(100)
        )
        admin_op.post(reverse("backoffice:route_move", args=[route.pk, "up"]))
        followers.refresh_from_db()
        assert [r.pk for r in followers.routes.all()][0] == route.pk
        assert followers.rate == Decimal("0.55638")  # 0.27819 × 2
        assert AuditEntry.objects.get(action="route.move").after["rate"] == "0.55638"


def test_provider_supplied_text_is_escaped_everywhere_it_is_shown(
    admin_op, provider, upstream, inline_imports
):
    from smmpanel.client.testing import UpstreamService

    upstream.add_service(
        UpstreamService(
            '<script>alert("up")</script>' + "🔥" * 40, category="<img src=x onerror=1>"
        )
    )
    admin_op.post(reverse("backoffice:provider_import", args=[provider.pk]), {"markup": "0"})
    Provider.objects.filter(pk=provider.pk).update(last_error="<b>bad</b> <script>x()</script>")
    for name in ("services", "providers", "orders"):
        body = admin_op.get(reverse(f"backoffice:{name}")).content.decode()
        assert "<script>alert" not in body and "<script>x()" not in body, name
        assert "<img src=x" not in body, name
    services = admin_op.get(reverse("backoffice:services")).content.decode()
    assert "&lt;script&gt;alert(&quot;up&quot;)&lt;/script&gt;" in services
    assert "&lt;img src=x onerror=1&gt;" in services
    providers = admin_op.get(reverse("backoffice:providers")).content.decode()
    assert "&lt;b&gt;bad&lt;/b&gt;" in providers


def test_an_import_whose_process_died_does_not_block_the_next(admin_op, provider, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    monkeypatch.setattr(imports, "launch", lambda target, *args: None)
    url = reverse("backoffice:provider_import", args=[provider.pk])
    admin_op.post(url, {"markup": "10"})
    dead = CatalogImport.objects.get()
    CatalogImport.objects.filter(pk=dead.pk).update(
        updated_at=timezone.now() - timedelta(minutes=11)
    )
    admin_op.post(url, {"markup": "10"})
    dead.refresh_from_db()
    assert dead.state == "failed" and CatalogImport.objects.filter(state="running").count() == 1
