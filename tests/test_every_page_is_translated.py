"""Every page, as a customer, a support operator and an admin, in Indonesian and Vietnamese: no
message is left in English.

Two nets. The first records every lookup in the translation catalogue while a page renders
({% translate %}, {% blocktranslate %}, gettext in views, lazy labels of forms, models and choices
all end in `DjangoTranslation.gettext`/`ngettext`) and fails on the messages the active language has
no translation for. The second catches English that never went through gettext: a text or a
visible attribute of the page that is exactly one of our English messages whose translation
differs (`{{ order.status }}` printed raw, say).

The pages come from the URL resolver, so a page added later is covered; a page whose URL takes
arguments needs a line in ARGUMENTS, and the test says so when one is missing.
"""

import gettext
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import trans_real

import smmpanel
from smmpanel.accounts.actions import deposit_funds
from smmpanel.accounts.models import Account, Rank
from smmpanel.affiliates.links import affiliate_for
from smmpanel.affiliates.models import Commission, Payout, Referral
from smmpanel.affiliates.payouts import request_payout
from smmpanel.audit.log import Actor
from smmpanel.backoffice import roles
from smmpanel.backoffice.models import CatalogImport
from smmpanel.catalog.models import Fulfilment, ServiceUpdate
from smmpanel.catalog.order_types import OrderType
from smmpanel.orders.cancels import request_cancel
from smmpanel.orders.models import OrderStatus, RefillStatus
from smmpanel.orders.placement import place_order
from smmpanel.orders.refills import report_refill_status, request_refill
from smmpanel.orders.status import apply_status
from smmpanel.pages.actions import create_announcement
from smmpanel.payments.models import Coupon, DepositBonus, PaymentMethod
from smmpanel.payments.operations import approve_payment, create_payment, reject_payment
from smmpanel.providers.keys import encrypt_key
from smmpanel.providers.models import CatalogSync, Provider
from smmpanel.support.actions import add_note, open_ticket
from smmpanel.support.canned import create_canned_reply
from tests.factories import make_account, make_product, make_service
from tests.payments.factories import make_method

pytestmark = pytest.mark.django_db

LANGUAGES = ["id", "vi"]
# Not pages of ours: the API and its schema answer in English by design; the Django admin is
# Django's own (operators work in /backoffice/); gateways' callbacks are read by machines.
SKIPPED = re.compile(r"^/(api|admin/|payments/callback/)")


# --- the recorder ----------------------------------------------------------------------------


class Lookups:
    """Messages looked up in the catalogue of `language` that it has no translation for."""

    def __init__(self) -> None:
        self.missing: set[str] = set()
        self.seen = 0

    def check(self, translation: trans_real.DjangoTranslation, *keys: object) -> None:
        if translation.language() not in LANGUAGES:
            return
        self.seen += 1
        catalog = translation._catalog
        if not any(key in catalog for key in keys):
            first = keys[0]
            message = first[0] if isinstance(first, tuple) else first
            self.missing.add(str(message).replace(trans_real.CONTEXT_SEPARATOR, " | "))


@pytest.fixture
def lookups(monkeypatch) -> Lookups:
    record = Lookups()
    gettext = trans_real.DjangoTranslation.gettext
    ngettext = trans_real.DjangoTranslation.ngettext

    def recorded_gettext(self, message):
        record.check(self, message, (message, 0))
        return gettext(self, message)

    def recorded_ngettext(self, singular, plural, number):
        record.check(self, (singular, 0))
        return ngettext(self, singular, plural, number)

    monkeypatch.setattr(trans_real.DjangoTranslation, "gettext", recorded_gettext)
    monkeypatch.setattr(trans_real.DjangoTranslation, "ngettext", recorded_ngettext)
    return record


def test_the_recorder_sees_templates_lazy_labels_and_plurals(lookups):
    from django import forms
    from django.template import Context, Template
    from django.utils import translation
    from django.utils.translation import gettext_lazy, ngettext, pgettext

    class Form(forms.Form):
        name = forms.CharField(label=gettext_lazy("zz lazy label"))

    with translation.override("vi"):
        Template(
            "{% load i18n %}{% translate 'zz tag' %}{% translate 'Orders' %}"
            "{% blocktranslate %}zz block{% endblocktranslate %}"
            "{% blocktranslate count n=2 %}zz one{% plural %}zz many{% endblocktranslate %}"
            "{{ form.name.label_tag }}"
        ).render(Context({"form": Form()}))
        pgettext("zz context", "zz message")
        ngettext("zz item", "zz items", 3)
        str(OrderStatus.PENDING.label)
    assert lookups.missing == {
        "zz tag",
        "zz block",
        "zz one",
        "zz lazy label",
        "zz context | zz message",
        "zz item",
    }


# --- the English our catalogues know ---------------------------------------------------------


def known_english() -> dict[str, set[str]]:
    """Per language, our English messages whose translation is not the same text."""
    known: dict[str, set[str]] = {language: set() for language in LANGUAGES}
    root = Path(smmpanel.__file__).parent
    for language in LANGUAGES:
        for path in root.glob(f"*/locale/{language}/LC_MESSAGES/django.mo"):
            with path.open("rb") as compiled:
                catalog = gettext.GNUTranslations(compiled)._catalog  # type: ignore[attr-defined]
            for msgid, msgstr in catalog.items():
                if not isinstance(msgid, str) or not msgid or "\x04" in msgid or "%" in msgid:
                    continue  # plurals, the header, messages with a context or placeholders
                if msgstr != msgid:
                    known[language].add(msgid)
    return known


KNOWN = known_english()


class VisibleText(HTMLParser):
    """Texts and visible attributes of a page, whitespace collapsed."""

    ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1
        for name, value in attrs:
            if name in self.ATTRIBUTES and value:
                self.texts.append(" ".join(value.split()))
            if tag == "input" and name == "value" and ("type", "submit") in attrs and value:
                self.texts.append(" ".join(value.split()))

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and not self._hidden:
            self.texts.append(text)


def english_on(page: str, language: str) -> set[str]:
    parser = VisibleText()
    parser.feed(page)
    # "Refill" beside an order's number reads "Refill 12": parts around a colon or a dot count too.
    pieces = {piece.strip(" :·()") for text in parser.texts for piece in re.split(r"[:·]", text)}
    return (set(parser.texts) | pieces) & KNOWN[language]


# --- a shop with something in every state ---------------------------------------------------


def staff(username: str, group: str):
    user = get_user_model().objects.create_user(username=username, password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def shop(db) -> dict:
    account, _key = make_account("1000", username="buyer")
    manual = make_service(name="Manual likes", refill=True, cancel=True, dripfeed=True)
    make_service(name="Auto views", fulfilment=Fulfilment.SIMULATED)
    subscription = make_service(name="Auto likes", type=OrderType.SUBSCRIPTIONS, min_quantity=50)
    comments = make_service(name="Nice comments", type=OrderType.CUSTOM_COMMENTS, min_quantity=1)
    orders = {}
    for n, status in enumerate(
        (
            OrderStatus.PENDING,
            OrderStatus.IN_PROGRESS,
            OrderStatus.PROCESSING,
            OrderStatus.COMPLETED,
            OrderStatus.PARTIAL,
            OrderStatus.CANCELED,
        )
    ):
        order = place_order(
            account=account,
            service=manual,
            params={"link": f"https://x.com/{n}", "quantity": "1000"},
        )
        if status != OrderStatus.PENDING:
            remains = 300 if status == OrderStatus.PARTIAL else 0
            order = apply_status(order_id=order.pk, status=status, start_count=10, remains=remains)
        orders[status] = order
    place_order(
        account=account,
        service=manual,
        params={"link": "https://x.com/drip", "quantity": "100", "runs": "3", "interval": "30"},
    )
    place_order(
        account=account,
        service=subscription,
        params={"username": "someone", "min": "50", "max": "100", "posts": "5", "delay": "30"},
    )
    place_order(
        account=account,
        service=comments,
        params={"link": "https://x.com/c", "comments": "nice\ngreat"},
    )
    refill = request_refill(account=account, order=orders[OrderStatus.COMPLETED])
    report_refill_status(refill_id=refill.pk, status=RefillStatus.IN_PROGRESS)
    request_cancel(account=account, order=orders[OrderStatus.PENDING])
    bank = PaymentMethod.objects.create(
        name="Bank transfer", gateway="manual", instructions="BCA 123", min_amount=5
    )
    admin = staff("alice", roles.ADMIN)
    payments = [
        create_payment(account=account, method=bank, amount=Decimal(n), reference=f"T{n}")
        for n in (10, 20, 30)
    ]
    approve_payment(payment_id=payments[1].pk, acting_user=Actor.of_user(admin), note="checked")
    reject_payment(payment_id=payments[2].pk, acting_user=Actor.of_user(admin), note="no transfer")
    provider = Provider.objects.create(
        name="up",
        url="http://127.0.0.1:9/api/v2",  # nothing listens: the check fails at once
        key_encrypted=encrypt_key("k"),
        balance=Decimal(5),
    )
    job = CatalogImport.objects.create(provider=provider, started_by=admin)
    CatalogSync.objects.create(provider=provider, synced_at=provider.created_at, ok=False)
    ok = Provider.objects.create(name="second", url="http://127.0.0.1:9/", key_encrypted="x")
    CatalogSync.objects.create(provider=ok, synced_at=ok.created_at, ok=True, result={"updated": 1})
    for kind, old, new in UPDATES:
        ServiceUpdate.objects.create(service=manual, kind=kind, old=old, new=new)
    hidden = ServiceUpdate.objects.create(service=manual, kind="disabled", hidden=True)
    bonus = DepositBonus.objects.create(min_amount=100, percent=5)
    coupon = Coupon.objects.create(code="WELCOME", amount=2, uses=10)
    rank = Rank.objects.create(name="Gold", min_spent=100, discount=5)
    ticket = open_ticket(
        account=account,
        kind="refill",
        order_ids=[orders[OrderStatus.COMPLETED].pk, orders[OrderStatus.PARTIAL].pk],
        body="Please https://x.com/p",
        acting_user=Actor.of_user(account.user),
    )
    add_note(ticket_id=ticket.pk, body="note", acting_user=Actor.of_user(admin))
    canned = create_canned_reply(
        language="id", title="Halo", body="Halo!", acting_user=Actor.of_user(admin)
    )
    payout = affiliate_shop(account, admin)
    return {
        "rank": rank,
        "ticket": ticket,
        "canned": canned,
        "payout": payout,
        "bonus": bonus,
        "coupon": coupon,
        "account": account,
        "admin": admin,
        "support": staff("sam", roles.SUPPORT),
        "service": manual,
        "subscription": subscription,
        "order": orders[OrderStatus.PENDING],
        "refill": refill,
        "payment": payments[0],
        "provider": provider,
        "import": job,
        "update": hidden,
        "method": bank,
        "product": make_product(stock=2),
        "announcement": create_announcement(
            acting_user=Actor.of_user(admin), publish=True, title_en="News", body_en="*Hello*"
        ),
    }


def affiliate_shop(account: Account, admin) -> Payout:
    """The customer as an affiliate: a referral tied and one refused, a commission pending
    and one in a payout request."""
    affiliate = affiliate_for(account)
    friend, _ = make_account(username="friend")
    sock, _ = make_account(username="sock")
    Referral.objects.create(affiliate=affiliate, referred=friend, status=Referral.Status.TIED)
    Referral.objects.create(
        affiliate=affiliate,
        referred=sock,
        status=Referral.Status.REFUSED,
        refusal=Referral.Refusal.SAME_DEVICE,
    )
    first = deposit_funds(account_id=friend.pk, amount=Decimal(400), acting_user=Actor.cli())
    deposit_funds(account_id=friend.pk, amount=Decimal(300), acting_user=Actor.cli())
    Commission.objects.filter(deposit_entry=first).update(available_at=timezone.now())
    return request_payout(account_id=account.pk, details="wallet", acting_user=Actor.cli())


def form_payment(shop: dict) -> dict:
    """A waiting payment whose checkout is a form the panel's page submits (Perfect Money)."""
    credentials = {"payee_account": "U1234567", "alternate_passphrase": "p"}
    method = make_method("perfectmoney", credentials=credentials)
    payment = create_payment(account=shop["account"], method=method, amount=Decimal(10))
    return {"pk": payment.pk}


# One Updates entry of each kind.
UPDATES = [
    ("price_up", "0.9", "1.2"),
    ("price_down", "1.2", "1"),
    ("range", "50–10000", "100–5000"),
    ("disabled", "", ""),
    ("enabled", "", ""),
]


# The arguments of each page whose URL takes some: URL name -> shop -> kwargs.
ARGUMENTS: dict[str, Callable[[dict], dict]] = {
    "backoffice:order": lambda shop: {"pk": shop["order"].pk},
    "panel:order": lambda shop: {"pk": shop["order"].pk},
    "backoffice:rank_edit": lambda shop: {"pk": shop["rank"].pk},
    "backoffice:user_custom_rate": lambda shop: {"pk": shop["account"].pk},
    "panel:favorite": lambda shop: {"pk": shop["service"].pk},
    "backoffice:service_edit": lambda shop: {"pk": shop["service"].pk},
    "backoffice:service_toggle": lambda shop: {"pk": shop["service"].pk},
    "backoffice:service_move": lambda shop: {"pk": shop["service"].pk, "direction": "up"},
    "backoffice:category_move": lambda shop: {
        "pk": shop["service"].category_id,
        "direction": "up",
    },
    "backoffice:category_rename": lambda shop: {"pk": shop["service"].category_id},
    "backoffice:category_services_active": lambda shop: {
        "pk": shop["service"].category_id,
        "state": "off",
    },
    "backoffice:route_markup": lambda shop: {"pk": 1},
    "backoffice:route_move": lambda shop: {"pk": 1, "direction": "up"},
    "backoffice:route_remove": lambda shop: {"pk": 1},
    "backoffice:route_add": lambda shop: {"pk": shop["service"].pk},
    "backoffice:product_edit": lambda shop: {"pk": shop["product"].pk},
    "backoffice:product_stock": lambda shop: {"pk": shop["product"].pk},
    "backoffice:provider_edit": lambda shop: {"pk": shop["provider"].pk},
    "backoffice:user": lambda shop: {"pk": shop["account"].pk},
    "backoffice:user_adjust": lambda shop: {"pk": shop["account"].pk},
    "backoffice:user_status": lambda shop: {"pk": shop["account"].pk},
    "backoffice:user_reset_key": lambda shop: {"pk": shop["account"].pk},
    "backoffice:user_discount": lambda shop: {"pk": shop["account"].pk},
    "backoffice:payment_decide": lambda shop: {"pk": shop["payment"].pk},
    "backoffice:payment": lambda shop: {"pk": shop["payment"].pk},
    "backoffice:bonus_delete": lambda shop: {"pk": shop["bonus"].pk},
    "backoffice:coupon_toggle": lambda shop: {"pk": shop["coupon"].pk},
    "backoffice:payment_check": lambda shop: {"pk": shop["payment"].pk},
    "backoffice:payment_method_edit": lambda shop: {"pk": shop["method"].pk},
    "backoffice:payment_method_toggle": lambda shop: {"pk": shop["method"].pk},
    "backoffice:payment_method_move": lambda shop: {"pk": shop["method"].pk, "direction": "up"},
    "backoffice:refill_set": lambda shop: {"pk": shop["refill"].pk},
    "backoffice:cancel_decide": lambda shop: {"pk": shop["order"].cancel_requests.get().pk},
    "backoffice:review_decide": lambda shop: {"pk": shop["order"].pk},
    "backoffice:provider_check": lambda shop: {"pk": shop["provider"].pk},
    "backoffice:provider_import": lambda shop: {"pk": shop["provider"].pk},
    "backoffice:import_progress": lambda shop: {"pk": shop["import"].pk},
    "backoffice:announcement_edit": lambda shop: {"pk": shop["announcement"].pk},
    "backoffice:announcement_publish": lambda shop: {"pk": shop["announcement"].pk},
    "backoffice:announcement_delete": lambda shop: {"pk": shop["announcement"].pk},
    "backoffice:site_page": lambda shop: {"kind": "faq"},
    "backoffice:update_hide": lambda shop: {"pk": shop["update"].pk},
    "panel:order_refill": lambda shop: {"pk": shop["order"].pk},
    "support:ticket": lambda shop: {"pk": shop["ticket"].pk},
    "support:ticket_close": lambda shop: {"pk": shop["ticket"].pk},
    "backoffice:ticket": lambda shop: {"pk": shop["ticket"].pk},
    "backoffice:ticket_reply": lambda shop: {"pk": shop["ticket"].pk},
    "backoffice:ticket_note": lambda shop: {"pk": shop["ticket"].pk},
    "backoffice:ticket_assign": lambda shop: {"pk": shop["ticket"].pk},
    "backoffice:ticket_close": lambda shop: {"pk": shop["ticket"].pk},
    "backoffice:canned_edit": lambda shop: {"pk": shop["canned"].pk},
    "backoffice:canned_delete": lambda shop: {"pk": shop["canned"].pk},
    "panel:order_cancel": lambda shop: {"pk": shop["order"].pk},
    "payments:sandbox_checkout": lambda shop: {"pk": shop["payment"].pk},
    "payments:form_checkout": form_payment,
    "payments:method_callback": lambda shop: {"gateway": "manual", "method": shop["method"].pk},
    "panel:payment": lambda shop: {"pk": shop["payment"].pk},
    "panel:referral": lambda shop: {"code": "NOSUCH99"},
    "backoffice:affiliate_percent": lambda shop: {"pk": shop["account"].pk},
    "backoffice:affiliate_payout": lambda shop: {"pk": shop["payout"].pk},
    "verify_email": lambda shop: {"token": "not-a-token"},
    "password_reset_confirm": lambda shop: {
        "uidb64": urlsafe_base64_encode(force_bytes(shop["account"].user.pk)),
        "token": default_token_generator.make_token(shop["account"].user),
    },
}
# More than the bare page: the states a page shows differently.
VARIANTS: dict[str, Callable[[dict], list[str]]] = {
    "panel:orders": lambda shop: [f"?status={status}" for status in OrderStatus.values],
    "panel:order_fields": lambda shop: [
        f"?service={service.pk}" for service in shop["service"].__class__.objects.all()
    ],
    "panel:order_preview": lambda shop: [
        f"?service={shop['service'].pk}&link=x&quantity=1",
        f"?service={shop['service'].pk}&link=https://x.com/a&quantity=100&dripfeed=on&runs=2",
    ],
    "panel:order_services": lambda shop: ["?q=likes", "?q=nothing-like-it"],
    "backoffice:orders": lambda shop: [f"?status={status}" for status in OrderStatus.values],
    "backoffice:payments": lambda shop: ["?status=approved", "?status=rejected", "?status=all"],
    "backoffice:tickets": lambda shop: ["?status=all", "?flagged=1&assignee=none"],
}


def url_patterns(
    patterns=None, prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str, URLPattern]]:
    """(URL name with its namespace, route, pattern) of every view the resolver knows."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_patterns(pattern.url_patterns, route, inner)
        else:
            yield f"{namespace}{pattern.name}", route, pattern


def pages(shop: dict) -> list[str]:
    urls = ["/no-such-page/"]  # the 404 page
    for name, route, pattern in url_patterns():
        if SKIPPED.match("/" + route):
            continue
        if pattern.pattern.regex.groups or pattern.pattern.converters:
            assert name in ARGUMENTS, f"{name} ({route}): add its arguments to ARGUMENTS"
            url = reverse(name, kwargs=ARGUMENTS[name](shop))
        else:
            url = reverse(name) if pattern.name else "/" + route
        urls.append(url)
        urls += [url + variant for variant in VARIANTS.get(name, lambda shop: [])(shop)]
    return urls


def visit(client: Client, url: str, language: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    pages = []
    for response in (client.get(url, follow=True), client.post(url, {}, follow=True)):
        assert response.status_code < 500, url
        if response.get("Content-Type", "").startswith("text/html"):
            pages.append(response.content.decode())
    return "\n".join(pages)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("who", ["customer", "support", "admin", "visitor"])
def test_every_page_is_translated(lookups, shop, language, who):
    user = {
        "customer": shop["account"].user,
        "support": shop["support"],
        "admin": shop["admin"],
        "visitor": None,
    }[who]
    Account.objects.filter(pk=shop["account"].pk).update(language=language)
    english: dict[str, set[str]] = {}
    urls = pages(shop)
    for url in urls:
        client = Client()
        if user is not None:
            client.force_login(user)
        words = english_on(visit(client, url, language), language)
        if words:
            english[url] = words
    assert lookups.seen > len(urls)
    if lookups.missing or english:
        # All of it, not pytest's truncated diff: each line is one entry to translate.
        pytest.fail(
            "untranslated:\n"
            + "".join(f"  {message!r}\n" for message in sorted(lookups.missing))
            + "English on the page:\n"
            + "".join(f"  {url}: {sorted(words)}\n" for url, words in english.items())
        )
