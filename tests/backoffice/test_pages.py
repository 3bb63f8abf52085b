"""Every back-office page renders for an admin; support sees orders but not money or prices."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from smmpanel.audit.models import AuditEntry
from smmpanel.orders.cancels import request_cancel

pytestmark = pytest.mark.django_db


def pages(shop: dict) -> dict[str, str]:
    return {
        "dashboard": reverse("backoffice:dashboard"),
        "orders": reverse("backoffice:orders"),
        "orders filtered": reverse("backoffice:orders")
        + f"?status=Pending&service={shop['manual'].pk}&user=buyer&date_from=2020-01-01",
        "order": reverse("backoffice:order", args=[shop["orders"][0].pk]),
        "requests": reverse("backoffice:requests"),
        "payments": reverse("backoffice:payments"),
        "services": reverse("backoffice:services"),
        "service new": reverse("backoffice:service_create"),
        "service edit": reverse("backoffice:service_edit", args=[shop["manual"].pk]),
        "users": reverse("backoffice:users") + "?q=buy",
        "user": reverse("backoffice:user", args=[shop["account"].pk]),
        "providers": reverse("backoffice:providers"),
        "settings": reverse("backoffice:settings"),
        "audit": reverse("backoffice:audit"),
    }


SUPPORT_ALLOWED = {
    "dashboard",
    "orders",
    "orders filtered",
    "order",
    "requests",
    "services",
    "users",
    "user",
}


def test_every_page_renders_for_an_admin(admin_op, shop):
    request_cancel(account=shop["account"], order=shop["orders"][0])
    for name, url in pages(shop).items():
        response = admin_op.get(url)
        assert response.status_code == 200, name
        assert b"<main" in response.content


def test_support_sees_orders_and_is_refused_prices_money_settings_and_audit(support_op, shop):
    for name, url in pages(shop).items():
        response = support_op.get(url)
        expected = 200 if name in SUPPORT_ALLOWED else 403
        assert response.status_code == expected, name


def test_support_is_not_shown_the_controls_it_may_not_use(support_op, admin_op, shop):
    services = support_op.get(reverse("backoffice:services")).content.decode()
    assert reverse("backoffice:service_create") not in services
    assert reverse("backoffice:service_bulk") not in services
    user_page = support_op.get(reverse("backoffice:user", args=[shop["account"].pk]))
    assert (
        reverse("backoffice:user_adjust", args=[shop["account"].pk])
        not in user_page.content.decode()
    )
    nav = support_op.get(reverse("backoffice:dashboard")).content.decode()
    assert reverse("backoffice:settings") not in nav
    assert reverse("backoffice:audit") not in nav
    # The admin sees them all.
    admin_nav = admin_op.get(reverse("backoffice:dashboard")).content.decode()
    assert reverse("backoffice:settings") in admin_nav
    assert reverse("backoffice:audit") in admin_nav


def test_support_posts_to_money_and_price_actions_are_refused_and_change_nothing(support_op, shop):
    account = shop["account"]
    refused = [
        (reverse("backoffice:user_adjust", args=[account.pk]), {"amount": "50", "reason": "x"}),
        (reverse("backoffice:user_discount", args=[account.pk]), {"rate_discount": "50"}),
        (reverse("backoffice:user_status", args=[account.pk]), {"suspend": "1"}),
        (reverse("backoffice:user_reset_key", args=[account.pk]), {}),
        (
            reverse("backoffice:service_bulk"),
            {"action": "percent", "percent": "-50", "service": [shop["manual"].pk]},
        ),
        (reverse("backoffice:service_toggle", args=[shop["manual"].pk]), {}),
        (reverse("backoffice:settings"), {"panel_name": "Mine"}),
    ]
    for url, data in refused:
        assert support_op.post(url, data).status_code == 403, url
    account.refresh_from_db()
    shop["manual"].refresh_from_db()
    assert account.balance == Decimal("97.21")
    assert account.rate_discount == 0
    assert account.status == "active"
    assert shop["manual"].rate == Decimal("0.9")
    assert shop["manual"].active
    assert not AuditEntry.objects.exists()


def test_visitors_and_customers_are_sent_to_the_admin_login(shop):
    anonymous = Client()
    response = anonymous.get(reverse("backoffice:orders"))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=/backoffice/orders/")
    customer = Client()
    customer.force_login(shop["account"].user)
    assert customer.get(reverse("backoffice:dashboard")).status_code == 302
    assert customer.post(reverse("backoffice:order_bulk"), {}).status_code == 302


def test_staff_without_a_role_sees_no_orders(db):
    user = get_user_model().objects.create_user(username="intern", is_staff=True)
    client = Client()
    client.force_login(user)
    assert client.get(reverse("backoffice:orders")).status_code == 403


def test_dashboard_shows_todays_orders_revenue_and_the_30_day_chart(admin_op, shop):
    response = admin_op.get(reverse("backoffice:dashboard"))
    body = response.content.decode()
    assert response.context["today"]["orders"] == 4
    # 3 × 0.90 + 0.09 charged today, nothing refunded.
    assert str(response.context["today"]["revenue"]) == "2.79000"
    assert "2.79 USD" in body
    assert "<svg" in body and body.count('class="bar"') == 30
    assert dict(response.context["by_status"]) == {"Pending": 4}
    assert response.context["attention"]["manual_open"] == 3


def test_every_field_has_a_label_and_ids_are_unique(admin_op, shop):
    import re

    for name, url in pages(shop).items():
        body = admin_op.get(url).content.decode()
        ids = re.findall(r'\sid="([^"]+)"', body)
        assert len(ids) == len(set(ids)), (name, sorted({i for i in ids if ids.count(i) > 1}))
        labelled = set(re.findall(r'<label[^>]*\sfor="([^"]+)"', body))
        for field in re.finditer(r"<(input|select|textarea)\b([^>]*)>", body):
            attributes = field.group(2)
            if re.search(r'type="(hidden|submit)"', attributes):
                continue
            field_id = re.search(r'\sid="([^"]+)"', attributes)
            named = "aria-label=" in attributes or (field_id and field_id.group(1) in labelled)
            assert named, (name, attributes)
