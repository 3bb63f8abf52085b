"""Sign-up, log-in throttling, e-mail verification, password reset, profile, CSRF."""

from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from smmpanel.accounts.models import Account
from tests.panel.test_api_page import signup


def test_sign_up_creates_the_customer_account_and_logs_in(client, db):
    response = signup(client, "siti")
    assert response.status_code == 302
    account = Account.objects.get(user__username="siti")
    assert account.balance == 0 and account.api_key_hash
    assert client.get("/").status_code == 200


def test_sign_up_refuses_a_taken_username_or_email(client, db):
    signup(client, "siti")
    other = Client()
    response = other.post(
        "/accounts/signup/",
        {
            "username": "siti",
            "email": "siti@example.com",
            "password1": "a long Passphrase 42",
            "password2": "a long Passphrase 42",
        },
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"username", "email"}


def test_login_is_throttled_by_username(client, customer):
    for _ in range(10):
        response = client.post("/accounts/login/", {"username": "alice", "password": "wrong"})
        assert response.status_code == 200
    response = client.post(
        "/accounts/login/", {"username": "alice", "password": "correct horse battery"}
    )
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another user from elsewhere still logs in.
    other = Client(REMOTE_ADDR="10.0.0.9")
    get_user_model().objects.create_user("bob", password="bob password 1")
    Account.objects.create(user=get_user_model().objects.get(username="bob"))
    response = other.post("/accounts/login/", {"username": "bob", "password": "bob password 1"})
    assert response.status_code == 302


def test_login_is_throttled_by_address(db):
    client = Client(REMOTE_ADDR="10.0.0.7")
    for n in range(30):
        client.post("/accounts/login/", {"username": f"user{n}", "password": "x"})
    response = client.post("/accounts/login/", {"username": "fresh", "password": "x"})
    assert response.status_code == 429


def test_the_operator_sets_the_log_in_limits(db, settings):
    settings.RATE_LIMIT_PANEL_ADDRESS = "3/10m"
    client = Client(REMOTE_ADDR="10.0.0.8")
    replies = [
        client.post("/accounts/login/", {"username": f"u{n}", "password": "x"}).status_code
        for n in range(4)
    ]
    assert replies == [200, 200, 200, 429]


def test_password_reset_sends_a_link_that_works(client, customer):
    response = client.post("/accounts/password-reset/", {"email": "alice@example.com"})
    assert response["Location"] == "/accounts/password-reset/sent/"
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/reset/" in line)
    path = link.split("testserver", 1)[1]
    form = client.get(path, follow=True)
    assert form.context["validlink"]
    response = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "brand new Secret 77", "new_password2": "brand new Secret 77"},
    )
    assert response["Location"] == "/accounts/reset/done/"
    assert Client().login(username="alice", password="brand new Secret 77")


def test_email_verification_when_switched_on(client, db, settings):
    settings.EMAIL_VERIFICATION = True
    response = signup(client, "tuan")
    assert response.status_code == 200
    assert "tuan@example.com" in response.content.decode()
    assert not get_user_model().objects.get(username="tuan").is_active
    assert client.get("/").status_code == 302
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/verify/" in line)
    response = client.get(link.split("testserver", 1)[1])
    assert response["Location"] == "/"
    assert get_user_model().objects.get(username="tuan").is_active
    assert client.get("/").status_code == 200
    assert client.get("/accounts/verify/forged:token/").status_code == 400
    # Used again, the link does not log anybody in.
    stranger = Client()
    assert stranger.get(link.split("testserver", 1)[1])["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in stranger.session


def test_profile_saves_timezone_and_language(browser, customer):
    response = browser.post(
        "/accounts/profile/",
        {"email": "alice@example.com", "timezone": "Asia/Jakarta", "language": "id"},
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.timezone, customer.language) == ("Asia/Jakarta", "id")
    page = browser.get("/orders/").content.decode()
    assert '<html lang="id">' in page
    response = browser.post(
        "/accounts/profile/", {"email": "x@example.com", "timezone": "Mars/Base", "language": ""}
    )
    assert "timezone" in response.context["form"].errors


def test_logout_is_a_post(browser):
    assert browser.post("/accounts/logout/").status_code == 302
    assert browser.get("/").status_code == 302


def test_csrf_is_enforced_on_every_form(customer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer.user)
    for path in (
        "/",
        "/order/preview/",
        "/mass-order/",
        "/funds/",
        "/orders/1/cancel/",
        "/orders/1/refill/",
        "/api-access/regenerate/",
        "/accounts/profile/",
        "/language/",
        "/accounts/logout/",
    ):
        assert client.post(path, {}).status_code == 403, path
    anonymous = Client(enforce_csrf_checks=True)
    for path in ("/accounts/login/", "/accounts/signup/", "/accounts/password-reset/"):
        assert anonymous.post(path, {}).status_code == 403, path
    # With the token from the page, the same form goes through.
    page = anonymous.get("/accounts/login/")
    token = page.cookies["csrftoken"].value
    response = anonymous.post(
        "/accounts/login/",
        {"username": "alice", "password": "correct horse battery", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302


def test_session_cookie_is_http_only(client, customer):
    response = client.post(
        "/accounts/login/", {"username": "alice", "password": "correct horse battery"}
    )
    assert response.cookies["sessionid"]["httponly"]
    assert response.cookies["sessionid"]["samesite"] == "Lax"


def test_dates_are_shown_in_the_customers_time_zone(browser, customer):
    from datetime import UTC, datetime

    from smmpanel.accounts.models import LedgerEntry

    LedgerEntry.objects.filter(account=customer).update(
        created_at=datetime(2026, 1, 2, 23, 30, tzinfo=UTC)
    )
    assert "2026-01-02 23:30" in browser.get("/transactions/").content.decode()
    customer.timezone = "Asia/Ho_Chi_Minh"
    customer.save(update_fields=["timezone"])
    page = browser.get("/transactions/").content.decode()
    assert "2026-01-03 06:30" in page and "2026-01-02 23:30" not in page
    csv_body = b"".join(browser.get("/transactions/export.csv").streaming_content).decode()
    assert "2026-01-03T06:30:00+07:00" in csv_body


def test_sign_up_and_password_reset_are_throttled(db):
    client = Client(REMOTE_ADDR="10.0.0.8")
    for _ in range(10):
        client.post("/accounts/password-reset/", {"email": "victim@example.com"})
    response = client.post("/accounts/password-reset/", {"email": "victim@example.com"})
    assert response.status_code == 429
    for _ in range(10):
        client.post("/accounts/signup/", {"username": "same", "email": "x@example.com"})
    response = client.post("/accounts/signup/", {"username": "same", "email": "x@example.com"})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()


def test_choosing_the_browsers_language_forgets_the_chosen_one(browser, customer):
    browser.post("/language/", {"language": "vi", "next": "/"})
    response = browser.post(
        "/accounts/profile/", {"email": "alice@example.com", "timezone": "UTC", "language": ""}
    )
    assert response.cookies["django_language"]["max-age"] == 0
    page = browser.get("/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert '<html lang="id">' in page
