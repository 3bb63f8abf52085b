"""Every back-office page in English, Indonesian and Vietnamese."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.backoffice.test_pages import pages

pytestmark = pytest.mark.django_db

LOCALES = [
    Path(settings.BASE_DIR) / app / "locale" for app in ("backoffice", "configuration", "providers")
]
# Words of the navigation and of each page's heading, as each language writes them.
EXPECTED = {
    "en": ["Dashboard", "Refills and cancels", "Audit log"],
    "id": ["Dasbor", "Refill dan pembatalan", "Log audit"],
    "vi": ["Bảng điều khiển", "Bảo hành và hủy đơn", "Nhật ký kiểm toán"],
}


@pytest.mark.parametrize("language", ["en", "id", "vi"])
def test_every_page_speaks_the_chosen_language(admin_op, shop, language):
    admin_op.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for name, url in pages(shop).items():
        response = admin_op.get(url)
        body = response.content.decode()
        assert response.status_code == 200, name
        assert f'<html lang="{language}">' in body, name
        for word in EXPECTED[language]:
            assert word in body, (name, word)
        if language != "en":
            assert "Refills and cancels" not in body, name


@pytest.mark.parametrize("locale", LOCALES, ids=lambda path: path.parent.name)
def test_every_message_has_both_translations_compiled(locale):
    for language in ("id", "vi"):
        po = (locale / language / "LC_MESSAGES" / "django.po").read_text()
        assert (locale / language / "LC_MESSAGES" / "django.mo").exists()
        # An entry whose translation is empty: msgstr "" followed by a blank line or the end.
        entries = po.split("\n\n")[1:]  # the first block is the header
        untranslated = [entry for entry in entries if re.search(r'msgstr(\[0\])? ""\s*$', entry)]
        assert untranslated == [], (language, untranslated[:3])
        assert "#, fuzzy" not in po
