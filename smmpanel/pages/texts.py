"""A text in the reader's language, else in English; and Markdown made safe to show.

Operators write Markdown; it becomes HTML with Python-Markdown and is then cleaned with nh3
(Ammonia): only the tags below survive, links keep http(s)/mailto and get rel="nofollow noopener
noreferrer". Raw HTML in the text is therefore never shown as written."""

import markdown
import nh3
from django.db import models
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

LANGUAGES = ("en", "id", "vi")
FALLBACK = "en"
MAX_LENGTH = 50_000

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "h2", "h3", "h4",
    "blockquote", "code", "pre", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}


def language_fields(name: str) -> list[str]:
    return [f"{name}_{language}" for language in LANGUAGES]


def in_language(obj: models.Model, name: str, language: str | None = None) -> str:
    """`obj`'s `name` text in `language` (the active one by default), else its English text."""
    language = (language or get_language() or FALLBACK).split("-")[0]
    if language in LANGUAGES:
        text = str(getattr(obj, f"{name}_{language}") or "")
        if text.strip():
            return text
    return str(getattr(obj, f"{name}_{FALLBACK}") or "")


def rendered(text: str) -> SafeString:
    """The operator's Markdown as sanitised HTML."""
    html = markdown.markdown(text, extensions=["sane_lists"], output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
    )
    return mark_safe(clean)  # noqa: S308 -- cleaned by nh3 just above
