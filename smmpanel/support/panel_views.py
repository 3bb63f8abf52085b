"""The customer's tickets: the list, a new ticket, a ticket's thread (internal notes never)."""

import re

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from smmpanel.accounts.models import Account
from smmpanel.audit.log import Actor
from smmpanel.inputs import known_ids
from smmpanel.panel.customer import customer_required
from smmpanel.panel.throttle import counted_over
from smmpanel.support.actions import close_ticket, customer_reply, mark_read, open_ticket
from smmpanel.support.errors import SupportError, SupportErrorCode
from smmpanel.support.models import BODY_MAX_LENGTH, Ticket, TicketKind

PAGE_SIZE = 25


class TicketForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Subject"), choices=TicketKind.choices)
    orders = forms.CharField(
        label=gettext_lazy("Order IDs"),
        required=False,
        max_length=400,
        help_text=gettext_lazy("For an order question: its ID, or several separated by commas."),
    )
    body = forms.CharField(
        label=gettext_lazy("Message"),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Your reply"),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def order_ids(text: str) -> list[int]:
    """The ids in "12, 34 56" (commas, spaces or new lines between)."""
    return known_ids([part for part in re.split(r"[\s,;]+", text) if part])


def _too_many_new(request: HttpRequest) -> bool:
    return counted_over(
        request,
        group="support:open",
        key=lambda group, request: str(request.user.pk),
        rate=settings.RATE_LIMIT_TICKETS,
        method="POST",
    )


@customer_required
def tickets(request: HttpRequest, account: Account) -> HttpResponse:
    rows = account.tickets.order_by("-pk")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "support/tickets.html", {"page": page})


@customer_required
def new_ticket(request: HttpRequest, account: Account) -> HttpResponse:
    initial = {"orders": request.GET.get("order", "")[:40], "kind": request.GET.get("kind", "")}
    form = TicketForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if _too_many_new(request):
            form.add_error(None, SupportError(SupportErrorCode.TOO_MANY_NEW).message)
        else:
            try:
                ticket = open_ticket(
                    account=account,
                    kind=form.cleaned_data["kind"],
                    order_ids=order_ids(form.cleaned_data["orders"]),
                    body=form.cleaned_data["body"],
                    acting_user=Actor.of_request(request),
                )
            except SupportError as error:
                form.add_error(error.field, error.message)
            else:
                messages.success(request, _("Ticket %(id)s opened.") % {"id": ticket.pk})
                return redirect("support:ticket", pk=ticket.pk)
    return render(
        request,
        "support/new.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )


def _own(account: Account, pk: int) -> Ticket:
    ticket = Ticket.objects.filter(pk=pk, account=account).first()
    if ticket is None:
        raise Http404
    return ticket


@customer_required
def ticket_page(request: HttpRequest, account: Account, pk: int) -> HttpResponse:
    ticket = _own(account, pk)
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            customer_reply(
                account=account,
                ticket_id=ticket.pk,
                body=form.cleaned_data["body"],
                acting_user=Actor.of_request(request),
            )
        except SupportError as error:
            form.add_error("body", error.message)
        else:
            messages.success(request, _("Reply sent."))
            return redirect("support:ticket", pk=ticket.pk)
    mark_read(ticket_id=ticket.pk, by_staff=False)
    thread = ticket.messages.filter(internal=False).order_by("pk")
    return render(
        request,
        "support/ticket.html",
        {"ticket": ticket, "thread": thread, "form": form},
        status=400 if form.is_bound else 200,
    )


@require_POST
@customer_required
def ticket_close(request: HttpRequest, account: Account, pk: int) -> HttpResponse:
    try:
        close_ticket(ticket_id=pk, account=account, acting_user=Actor.of_request(request))
    except Ticket.DoesNotExist:
        raise Http404 from None
    messages.success(request, _("Ticket closed."))
    return redirect("support:ticket", pk=pk)
