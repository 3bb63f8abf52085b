"""CSRF on every back-office form; Django admin actions reach the audit log too."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from smmpanel.audit.models import AuditEntry
from smmpanel.orders.models import OrderStatus

pytestmark = pytest.mark.django_db


def csrf_client(username: str = "csrfop") -> Client:
    user = get_user_model().objects.create_superuser(username=username, password="pw")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def token_from(client: Client, url: str) -> str:
    page = client.get(url).content.decode()
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert match, url
    return match.group(1)


def test_posts_without_the_csrf_token_are_refused(shop):
    client = csrf_client()
    order = shop["orders"][0]
    posts = [
        (reverse("backoffice:order_bulk"), {"order": [order.pk], "action": "cancel"}),
        (
            reverse("backoffice:user_adjust", args=[shop["account"].pk]),
            {"amount": "5", "reason": "x"},
        ),
        (reverse("backoffice:service_toggle", args=[shop["manual"].pk]), {}),
        (reverse("backoffice:settings"), {"panel_name": "x"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING
    assert not AuditEntry.objects.exists()


def test_the_pages_forms_carry_the_token_that_makes_a_post_pass(shop):
    client = csrf_client()
    order = shop["orders"][0]
    token = token_from(client, reverse("backoffice:orders"))
    response = client.post(
        reverse("backoffice:order_bulk"),
        {"order": [order.pk], "action": "cancel", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELED


def test_htmx_requests_send_the_token_in_a_header(shop):
    client = csrf_client()
    page = client.get(reverse("backoffice:services")).content.decode()
    header_token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    response = client.post(
        reverse("backoffice:service_toggle", args=[shop["manual"].pk]),
        HTTP_X_CSRFTOKEN=header_token,
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
