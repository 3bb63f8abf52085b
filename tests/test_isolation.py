"""What one test does to the process does not reach the next (the two run in this order)."""

import pytest
from django.conf import settings
from django.utils import translation


@pytest.mark.django_db
def test_a_page_in_vietnamese_leaves_its_language_active_in_the_thread(client):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert '<html lang="vi">' in page
    assert translation.get_language() == "vi"


def test_the_next_test_starts_in_the_default_language():
    assert translation.get_language() == settings.LANGUAGE_CODE
