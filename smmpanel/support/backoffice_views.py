"""Staff's tickets: the queue with its filters, a ticket's thread with internal notes, replies
(typed or canned), assignment, closing."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from smmpanel.audit.log import Actor
from smmpanel.backoffice.access import staff_required
from smmpanel.backoffice.pages import render_page
from smmpanel.inputs import clean_text, parse_id
from smmpanel.quality.progress import delivery_proofs
from smmpanel.support.actions import add_note, assign_ticket, close_ticket, mark_read, staff_reply
from smmpanel.support.errors import SupportError
from smmpanel.support.models import (
    BODY_MAX_LENGTH,
    CannedReply,
    Ticket,
    TicketKind,
    TicketMessage,
    TicketStatus,
)

PAGE_SIZE = 50


class StaffReplyForm(forms.Form):
    canned = forms.TypedChoiceField(
        label=gettext_lazy("Canned reply"), required=False, coerce=int, empty_value=None
    )
    body = forms.CharField(
        label=gettext_lazy("Reply to the customer"),
        required=False,
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("Empty: the canned reply chosen above is sent."),
    )

    def __init__(self, *args, language: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        replies = CannedReply.objects.all()
        if language:
            replies = replies.filter(language=language)
        self.fields["canned"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (reply.pk, f"{reply.title} ({reply.language})") for reply in replies
        ]


class NoteForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Internal note (never shown to the customer)"),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def staff_members() -> QuerySet:
    return get_user_model().objects.filter(is_staff=True, is_active=True).order_by("username")


def _filtered(request: HttpRequest) -> tuple[QuerySet, dict[str, str]]:
    chosen = {
        "status": request.GET.get("status", ""),
        "kind": request.GET.get("kind", ""),
        "assignee": request.GET.get("assignee", ""),
        "flagged": request.GET.get("flagged", ""),
        "q": clean_text(request.GET.get("q")),
    }
    rows = Ticket.objects.select_related("account__user", "assignee").order_by("pk")
    if chosen["status"] in TicketStatus.values:
        rows = rows.filter(status=chosen["status"])
    elif chosen["status"] != "all":
        rows = rows.exclude(status=TicketStatus.CLOSED)  # the queue: what is not done
    if chosen["kind"] in TicketKind.values:
        rows = rows.filter(kind=chosen["kind"])
    if chosen["assignee"] == "me":
        rows = rows.filter(assignee=request.user.pk)
    elif chosen["assignee"] == "none":
        rows = rows.filter(assignee__isnull=True)
    elif assignee := parse_id(chosen["assignee"]):
        rows = rows.filter(assignee=assignee)
    if chosen["flagged"]:
        rows = rows.filter(flagged=True)
    if query := chosen["q"]:
        match = Q(account__user__username__icontains=query) | Q(
            Exists(TicketMessage.objects.filter(ticket=OuterRef("pk"), body__icontains=query))
        )
        if pk := parse_id(query.lstrip("#")):
            match |= Q(pk=pk)
        rows = rows.filter(match)
    return rows, chosen


@staff_required("support.view_ticket")
def ticket_queue(request: HttpRequest) -> HttpResponse:
    rows, chosen = _filtered(request)
    return render_page(
        request,
        "support/queue.html",
        "tickets",
        page=Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        chosen=chosen,
        statuses=TicketStatus.choices,
        kinds=TicketKind.choices,
        staff=staff_members(),
    )


def _ticket_page(
    request: HttpRequest, ticket: Ticket, reply_form: StaffReplyForm, note_form: NoteForm
) -> HttpResponse:
    return render_page(
        request,
        "support/staff_ticket.html",
        "tickets",
        status=400 if request.method == "POST" else 200,
        ticket=ticket,
        thread=ticket.messages.select_related("user").order_by("pk"),
        outcomes=ticket.outcomes.order_by("pk"),
        # A refill is asked for what was lost: the counts the provider reported are the proof.
        proofs=delivery_proofs(ticket.order_ids) if ticket.kind == TicketKind.REFILL else [],
        reply_form=reply_form,
        note_form=note_form,
        staff=staff_members(),
    )


@staff_required("support.view_ticket")
def ticket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = get_object_or_404(Ticket.objects.select_related("account__user", "assignee"), pk=pk)
    mark_read(ticket_id=ticket.pk, by_staff=True)
    language = ticket.account.language
    return _ticket_page(request, ticket, StaffReplyForm(language=language), NoteForm())


@require_POST
@staff_required("support.view_ticket", "support.change_ticket")
def ticket_reply(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = get_object_or_404(Ticket.objects.select_related("account__user", "assignee"), pk=pk)
    form = StaffReplyForm(request.POST, language=ticket.account.language)
    if form.is_valid():
        body = form.cleaned_data["body"]
        canned = form.cleaned_data["canned"]
        if not body.strip() and canned:
            body = CannedReply.objects.filter(pk=canned).values_list("body", flat=True).first()
        try:
            staff_reply(ticket_id=pk, body=body or "", acting_user=Actor.of_request(request))
        except SupportError as error:
            form.add_error("body", error.message)
        else:
            messages.success(request, _("Reply sent."))
            return redirect("backoffice:ticket", pk=pk)
    return _ticket_page(request, ticket, form, NoteForm())


@require_POST
@staff_required("support.view_ticket", "support.change_ticket")
def ticket_note(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = get_object_or_404(Ticket.objects.select_related("account__user", "assignee"), pk=pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            add_note(
                ticket_id=pk, body=form.cleaned_data["note"], acting_user=Actor.of_request(request)
            )
        except SupportError as error:
            form.add_error("note", error.message)
        else:
            messages.success(request, _("Note added."))
            return redirect("backoffice:ticket", pk=pk)
    reply_form = StaffReplyForm(language=ticket.account.language)
    return _ticket_page(request, ticket, reply_form, form)


@require_POST
@staff_required("support.view_ticket", "support.change_ticket")
def ticket_assign(request: HttpRequest, pk: int) -> HttpResponse:
    raw = request.POST.get("assignee", "")
    assignee = request.user.pk if raw == "me" else parse_id(raw)
    try:
        assign_ticket(ticket_id=pk, assignee_id=assignee, acting_user=Actor.of_request(request))
    except Ticket.DoesNotExist:
        raise Http404 from None
    except SupportError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Assignee saved."))
    return redirect("backoffice:ticket", pk=pk)


@require_POST
@staff_required("support.view_ticket", "support.change_ticket")
def ticket_close_staff(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        close_ticket(ticket_id=pk, acting_user=Actor.of_request(request))
    except Ticket.DoesNotExist:
        raise Http404 from None
    messages.success(request, _("Ticket closed."))
    return redirect("backoffice:ticket", pk=pk)
