"""The catalogues of all apps speak with one voice: a message has one translation per language,
the page shows ours (not Django's own apps'), and the panel's terms are the same everywhere."""

import gettext
import re
from collections import defaultdict
from pathlib import Path

import pytest
from django.utils import translation

import smmpanel

ROOT = Path(smmpanel.__file__).parent
LANGUAGES = ["id", "vi"]
# A word of the panel, and how each language writes it in every message that uses it.
TERMS = {
    "vi": {r"\brefills?\b": "bảo hành", r"\bdrip-feed\b": "nhỏ giọt"},
    "id": {r"\brefills?\b": "refill"},
}


def catalogues(language: str) -> dict[str, dict]:
    """App name -> its compiled catalogue (msgid -> msgstr) in `language`."""
    found = {}
    for path in sorted(ROOT.glob(f"*/locale/{language}/LC_MESSAGES/django.mo")):
        with path.open("rb") as compiled:
            found[path.parts[-5]] = gettext.GNUTranslations(compiled)._catalog  # type: ignore[attr-defined]
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_message_has_one_translation_in_every_app(language):
    translations: dict[object, dict[str, str]] = defaultdict(dict)
    for app, catalog in catalogues(language).items():
        for msgid, msgstr in catalog.items():
            if msgid:
                translations[msgid][app] = msgstr
    differing = {msgid: apps for msgid, apps in translations.items() if len(set(apps.values())) > 1}
    assert differing == {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_page_shows_our_translation_not_djangos(language):
    # Django's own apps come first in INSTALLED_APPS, and their catalogues would win.
    shown = {}
    with translation.override(language):
        for catalog in catalogues(language).values():
            for msgid, msgstr in catalog.items():
                plain = isinstance(msgid, str) and msgid and "\x04" not in msgid
                if plain and translation.gettext(msgid) != msgstr:
                    shown[msgid] = (translation.gettext(msgid), msgstr)
    assert shown == {}
    with translation.override("id"):
        assert translation.gettext("Enabled") == "Aktif"  # Django's says "Diadakan"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_panel_terms_are_the_same_in_every_message(language):
    off = []
    for app, catalog in catalogues(language).items():
        for msgid, msgstr in catalog.items():
            english = msgid[0] if isinstance(msgid, tuple) else msgid
            for pattern, term in TERMS[language].items():
                if english and re.search(pattern, english, re.I) and term not in msgstr.lower():
                    off.append((app, english, msgstr))
    assert off == []
