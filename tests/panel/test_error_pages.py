"""A 404 and a 500 page in the panel's look and language (DEBUG off), and the panel's icon."""

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

pytestmark = pytest.mark.django_db


def test_debug_is_off_in_these_tests(settings):
    assert settings.DEBUG is False


@pytest.mark.parametrize(
    ("language", "heading"),
    [("en", "Page not found"), ("id", "Halaman tidak ditemukan"), ("vi", "Không tìm thấy trang")],
)
def test_a_missing_page_answers_404_in_the_panels_look_and_language(client, language, heading):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    page = response.content.decode()
    assert f'<html lang="{language}">' in page and heading in page
    assert "panel/panel.css" in page and "panel/favicon.svg" in page


@pytest.mark.urls("tests.panel.failing_urls")
def test_a_failing_page_answers_500_in_the_panels_look_even_when_context_processors_fail(
    settings,
):
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "OPTIONS": {
                **settings.TEMPLATES[0]["OPTIONS"],
                "context_processors": [
                    *settings.TEMPLATES[0]["OPTIONS"]["context_processors"],
                    "tests.panel.failing_urls.broken_context",
                ],
            },
        }
    ]
    client = Client(raise_request_exception=False)
    response = client.get("/fails/", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 500
    page = response.content.decode()
    assert '<html lang="vi">' in page and "Đã xảy ra lỗi" in page
    assert "panel/panel.css" in page and "panel/favicon.svg" in page


def test_the_icon_is_a_static_file_linked_from_every_layout_and_favicon_ico_finds_it(client):
    assert finders.find("panel/favicon.svg")
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("panel/favicon.svg")
    for url in ("/accounts/login/", "/services/", "/admin/login/"):
        assert "panel/favicon.svg" in client.get(url).content.decode(), url
