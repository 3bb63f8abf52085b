"""The profile offers places' time zones (the tz database's zone.tab and UTC), not its legacy
aliases; a zone an account already has keeps working."""

import re


def options(page: str) -> set[str]:
    return set(re.findall(r'<option value="([^"]+)"', page))


def test_the_profile_offers_places_not_legacy_names(browser):
    offered = options(browser.get("/accounts/profile/").content.decode())
    assert {"UTC", "Asia/Jakarta", "Asia/Ho_Chi_Minh", "Europe/Berlin"} <= offered
    assert {
        "Factory",
        "W-SU",
        "US/Eastern",
        "Etc/GMT+5",
        "Asia/Saigon",
        "EST5EDT",
    } & offered == set()
    assert 300 < len(offered) < 600  # zone.tab's ~420, not all ~600 names


def test_a_legacy_zone_is_refused_for_a_new_choice(browser, customer):
    response = browser.post(
        "/accounts/profile/", {"email": "alice@example.com", "timezone": "W-SU", "language": ""}
    )
    assert "timezone" in response.context["form"].errors
    customer.refresh_from_db()
    assert customer.timezone == "UTC"


def test_an_account_keeps_its_stored_legacy_zone(browser, customer):
    customer.timezone = "US/Eastern"
    customer.save(update_fields=["timezone"])
    page = browser.get("/accounts/profile/").content.decode()
    assert '<option value="US/Eastern" selected>' in page
    response = browser.post(
        "/accounts/profile/",
        {"email": "alice@example.com", "timezone": "US/Eastern", "language": "vi"},
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.timezone, customer.language) == ("US/Eastern", "vi")
