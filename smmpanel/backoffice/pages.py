"""Rendering a back-office page: the layout's context (panel name, role, section) in one place."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from smmpanel.backoffice import roles
from smmpanel.configuration.current import current

# htmx, when a copy is served (the pages work without it: plain forms and links).
HTMX_SCRIPT = ""


def role_of(user: Any) -> str:
    if user.is_superuser or user.groups.filter(name=roles.ADMIN).exists():
        return _("admin")
    if user.groups.filter(name=roles.SUPPORT).exists():
        return _("support")
    return _("staff")


def render_page(
    request: HttpRequest, template: str, section: str, status: int = 200, **context: Any
) -> HttpResponse:
    context.update(
        panel=current(), section=section, role=role_of(request.user), htmx_script=HTMX_SCRIPT
    )
    return render(request, template, context, status=status)


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"
