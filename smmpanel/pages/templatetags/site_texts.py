"""An operator's text in the page's language (English fallback), as safe HTML."""

from django import template
from django.db import models
from django.utils.safestring import SafeString

from smmpanel.pages.texts import in_language, rendered

register = template.Library()


@register.filter
def text_in_language(obj: models.Model, name: str) -> str:
    return in_language(obj, name)


@register.filter
def markdown_in_language(obj: models.Model, name: str) -> SafeString:
    return rendered(in_language(obj, name))


@register.filter
def markdown_text(text: str) -> SafeString:
    return rendered(text)
