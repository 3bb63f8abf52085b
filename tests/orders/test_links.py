"""An order's link is checked by a quick pattern first and by Django's URLValidator otherwise:
the quick path must never accept a link the validator refuses, nor change any verdict."""

import pytest
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from hypothesis import given, settings
from hypothesis import strategies as st

from smmpanel.orders.validation import _PLAIN_URL, LINK_MAX_LENGTH, WHITESPACE, is_url

validator = URLValidator(schemes=["http", "https"])


def accepted_by_the_validator(link: str) -> bool:
    """The check links had before the quick path (and still have when it does not apply)."""
    if len(link) > LINK_MAX_LENGTH or WHITESPACE.search(link):
        return False
    try:
        validator(link)
    except ValidationError:
        return False
    return True


@settings(max_examples=500)
@given(st.from_regex(_PLAIN_URL, fullmatch=True))
def test_every_link_of_the_quick_pattern_is_one_the_validator_accepts(link):
    assert is_url(link) == accepted_by_the_validator(link)


# Scheme-like starts, hosts of labels, dots and dashes, ports, users, IPs, non-ASCII and spaces.
URLISH = st.text(alphabet=st.sampled_from(list("ab0-.:/@?#[]_ %é\u0130\u212a\t")), max_size=40)


@settings(max_examples=500)
@given(
    scheme=st.sampled_from(["http://", "https://", "HTTPS://", "ftp://", "http:/", ""]),
    rest=URLISH,
)
def test_the_quick_path_changes_no_verdict(scheme, rest):
    assert is_url(scheme + rest) == accepted_by_the_validator(scheme + rest)


@pytest.mark.parametrize(
    ("link", "valid"),
    [
        ("https://www.instagram.com/p/Cx1-a_B2/?igsh=MWQ1ZGUxMzBkMA==", True),
        ("http://t.me/channel", True),
        ("HTTPS://YouTube.com/watch?v=dQw4w9WgXcQ#t=10", True),
        # Links the quick pattern leaves to the validator, which decides as before.
        ("https://example.com:8080/a", True),
        ("https://user:pass@example.com/", True),
        ("http://127.0.0.1/a", True),
        ("https://bücher.de/x", True),
        ("https://example.com/ä", True),
        ("http://localhost/", True),
        ("https://-bad.com/", False),
        ("https://a_b.com/", False),
        ("https://bad-.com/", False),
        ("https://example.c/", False),
        ("https://exa mple.com/", False),
        ("https://example.com/a b", False),
        ("https://" + "a" * 64 + ".com/", False),
        ("https://" + ".".join(["a" * 63] * 4) + ".com/", False),
        ("https://example.com/" + "a" * LINK_MAX_LENGTH, False),
    ],
)
def test_links(link, valid):
    assert is_url(link) is valid
    assert accepted_by_the_validator(link) is valid
