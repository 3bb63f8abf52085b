"""Rendering a back-office page: the layout's context (the operator's role, the menu's section)
in one place; the panel's name, currency and htmx come from the panel's layout."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from smmpanel.backoffice import roles


def role_of(user: Any) -> str:
    if user.is_superuser or user.groups.filter(name=roles.ADMIN).exists():
        return _("admin")
    if user.groups.filter(name=roles.SUPPORT).exists():
        return _("support")
    return _("staff")


def render_page(
    request: HttpRequest, template: str, section: str, status: int = 200, **context: Any
) -> HttpResponse:
    context.update(section=section, role=role_of(request.user))
    return render(request, template, context, status=status)


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"
