"""Hostile values in every GET parameter and path parameter of every page, for every kind of
visitor, never make a server error (an out-of-range number used to be one on both databases:
`/backoffice/orders/?service=99999999999999999999`).

The pages come from the URL resolver, so a page added later is crawled without a change here;
see `tests/security/crawl.py` for how parameters are found and combined.
"""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import resolve, reverse
from django.urls.exceptions import Resolver404
from django.utils import timezone

from smmpanel.accounts.actions import deposit_funds
from smmpanel.accounts.models import Account, Rank
from smmpanel.affiliates.links import affiliate_for
from smmpanel.affiliates.models import Commission, Payout, Referral
from smmpanel.affiliates.payouts import request_payout
from smmpanel.audit.log import Actor
from smmpanel.backoffice import roles
from smmpanel.backoffice.models import CatalogImport
from smmpanel.orders.cancels import request_cancel
from smmpanel.orders.models import OrderStatus
from smmpanel.orders.placement import place_order
from smmpanel.orders.refills import request_refill
from smmpanel.orders.status import apply_status
from smmpanel.pages.actions import create_announcement
from smmpanel.payments.models import Coupon, DepositBonus, PaymentMethod
from smmpanel.payments.operations import create_payment
from smmpanel.support.actions import open_ticket
from smmpanel.support.canned import create_canned_reply
from tests.backoffice.conftest import operator
from tests.factories import make_account, make_product, make_service
from tests.payments.factories import make_method
from tests.security.crawl import NUMBER_CONVERTERS, Crawl, SiteMap, record_get_reads, routes

pytestmark = pytest.mark.django_db

# Django's own admin has its own tests and its own handling of ids; the API is one endpoint
# whose parameters `test_api_ids.py` covers action by action. Log-out is a POST that would end
# the crawling visitor's session.
EXCLUDED_PREFIXES = ("admin/",)
EXCLUDED_NAMES = {"logout"}
ROLES = ("anonymous", "customer", "support", "admin")


@pytest.fixture
def world(settings, followers, provider):
    """A shop with one of everything a page can show: orders of every kind of state, a refill,
    a cancel request, a payment, a product, a provider with its catalog and an import."""
    settings.PAYMENT_SANDBOX = True
    account, _ = make_account("500", username="buyer")
    account.user.set_password("pw")
    account.user.save()
    manual = make_service(name="Manual likes", refill=True, cancel=True)
    orders = [
        place_order(
            account=account, service=service, params={"link": f"https://x.com/{n}", "quantity": q}
        )
        for n, (service, q) in enumerate([(manual, "100"), (manual, "200"), (followers, "100")])
    ]
    apply_status(order_id=orders[0].pk, status=OrderStatus.COMPLETED)
    orders[0].refresh_from_db()
    request_refill(account=account, order=orders[0])
    request_cancel(account=account, order=orders[1])
    sandbox = PaymentMethod.objects.create(
        name="Sandbox", gateway="sandbox", min_amount=1, max_amount=1000
    )
    payment = create_payment(account=account, method=sandbox, amount=Decimal("10"))
    perfectmoney = make_method(
        "perfectmoney", credentials={"payee_account": "U1234567", "alternate_passphrase": "p"}
    )
    form_payment = create_payment(account=account, method=perfectmoney, amount=Decimal("10"))
    DepositBonus.objects.create(min_amount=100, percent=5)
    Coupon.objects.create(code="WELCOME", amount=2)
    Rank.objects.create(name="Gold", min_spent=100, discount=5)
    make_product(stock=3)
    create_announcement(acting_user=Actor.system(), publish=True, title_en="News")
    job = CatalogImport.objects.create(provider=provider, state=CatalogImport.State.DONE)
    open_ticket(
        account=account,
        kind="speed_up",
        order_ids=[orders[1].pk],
        body="Faster, please",
        acting_user=Actor.of_user(account.user),
    )
    create_canned_reply(language="en", title="Hi", body="Hello!", acting_user=Actor.system())
    payout = affiliate_with_a_payout_request(account)
    # Pages reached by a redirect or by a state the shop is not in, rather than by a link.
    account.entry_pages = {
        "payments:sandbox_checkout": reverse("payments:sandbox_checkout", args=[payment.pk]),
        # The self-submitting form of a gateway whose checkout is a form (Perfect Money).
        "payments:form_checkout": reverse("payments:form_checkout", args=[form_payment.pk]),
        "backoffice:import_progress": reverse("backoffice:import_progress", args=[job.pk]),
        # Offered only for a gateway with a status API.
        "backoffice:payment_check": reverse("backoffice:payment_check", args=[payment.pk]),
        "backoffice:review_decide": reverse("backoffice:review_decide", args=[orders[2].pk]),
        # Its refill is open already, so the page offers none.
        "panel:order_refill": reverse("panel:order_refill", args=[orders[0].pk]),
        # The referral link is given as text to copy, not as a link.
        "panel:referral": reverse("panel:referral", args=[affiliate_for(account).code]),
        "backoffice:affiliate_payout": reverse("backoffice:affiliate_payout", args=[payout.pk]),
        "backoffice:affiliate_percent": reverse("backoffice:affiliate_percent", args=[account.pk]),
    }
    return account


def affiliate_with_a_payout_request(account: Account) -> Payout:
    friend, _ = make_account(username="friend")
    Referral.objects.create(
        affiliate=affiliate_for(account), referred=friend, status=Referral.Status.TIED
    )
    deposit_funds(account_id=friend.pk, amount=Decimal("400"), acting_user=Actor.cli())
    Commission.objects.update(available_at=timezone.now())
    return request_payout(account_id=account.pk, details="wallet", acting_user=Actor.cli())


def clients(world) -> dict[str, Client]:
    customer = Client()
    customer.force_login(world.user)
    visitors = {
        "anonymous": Client(),
        "customer": customer,
        "support": operator("op-support", roles.SUPPORT),
        "admin": operator("op-admin", roles.ADMIN),
    }
    for client in visitors.values():
        # A server error is an answer to note, as a browser would get it, not the crawl's end.
        client.raise_request_exception = False
    return visitors


@pytest.mark.parametrize("role", ROLES)
def test_no_page_answers_a_server_error_to_hostile_parameters(role, world, monkeypatch):
    record_get_reads(monkeypatch)
    site_routes = routes(EXCLUDED_PREFIXES, EXCLUDED_NAMES)
    # The pages and their real ids, as the customer and the admin reach them through links.
    site = SiteMap(
        pages={route.name: route.fill({}) for route in site_routes if not route.converters}
        | world.entry_pages
    )
    visitors = clients(world)
    for finder in ("admin", "customer"):
        Crawl(visitors[finder], site_routes).discover(site)
    crawl = Crawl(visitors[role], site_routes)
    crawl.fuzz(site)
    assert crawl.failures == [], (
        f"{len(crawl.failures)} server errors in {crawl.requests} requests:\n"
        + "\n".join(crawl.failures[:40])
    )
    # The crawl reached the filters it is meant to try (the back-office's service id, the
    # customer's order search, the public price list's search).
    expected = {
        "anonymous": ("/services/", {"q", "category"}),
        "customer": (reverse("panel:orders"), {"q", "status", "page"}),
        "support": (reverse("backoffice:orders"), {"service", "q", "user", "page"}),
        "admin": (reverse("backoffice:orders"), {"service", "q", "user", "page"}),
    }
    path, names = expected[role]
    assert names <= crawl.fuzzed[path], crawl.fuzzed
    # It found real ids for every page with some (a token's page is reached by e-mail only).
    unreached = {r.name for r in site_routes if r.converters and r.name not in site.pages}
    server_to_server = {"payments:callback", "payments:method_callback"}
    assert unreached <= {"verify_email", "password_reset_confirm", *server_to_server}, unreached


def test_no_url_takes_a_number_that_cannot_be_an_id():
    """A path id beyond the database's bigint is no page (404), never a lookup that fails."""
    numbered = [
        route
        for route in routes(EXCLUDED_PREFIXES, EXCLUDED_NAMES)
        if any(kind in NUMBER_CONVERTERS for kind in route.converters.values())
    ]
    assert len(numbered) > 20
    for route in numbered:
        for number in ("9223372036854775808", "99999999999999999999", "0"):
            values = {
                name: number if kind in NUMBER_CONVERTERS else "up"
                for name, kind in route.converters.items()
            }
            with pytest.raises(Resolver404):
                resolve(route.fill(values))
        # The largest id still reaches the page.
        largest = {
            name: "9223372036854775807" if kind in NUMBER_CONVERTERS else "up"
            for name, kind in route.converters.items()
        }
        assert resolve(route.fill(largest)).url_name == route.name.split(":")[-1]
