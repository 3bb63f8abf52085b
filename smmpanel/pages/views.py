"""The customers' pages of this app: announcements (logged in), the FAQ and the terms (anyone)."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from smmpanel.accounts.models import Account
from smmpanel.pages.models import SitePage
from smmpanel.pages.reads import published_announcements, site_page_text
from smmpanel.panel.customer import customer_required

PAGE_SIZE = 10


@customer_required
def announcements(request: HttpRequest, account: Account) -> HttpResponse:
    page = Paginator(published_announcements(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "pages/announcements.html", {"page": page})


def _site_page(request: HttpRequest, kind: str, template: str) -> HttpResponse:
    return render(request, template, {"text": site_page_text(kind)})


def faq(request: HttpRequest) -> HttpResponse:
    return _site_page(request, SitePage.Kind.FAQ, "pages/faq.html")


def terms(request: HttpRequest) -> HttpResponse:
    return _site_page(request, SitePage.Kind.TERMS, "pages/terms.html")
