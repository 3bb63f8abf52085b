"""The outbox: messages waiting, sent and given up (after SMMPANEL_NOTIFY_MAX_ATTEMPTS), newest
first, with their last error; given-up ones can be sent again, one or all, through the outbox's
audited action."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from smmpanel.audit.log import Actor
from smmpanel.backoffice.access import staff_required
from smmpanel.backoffice.pages import render_page
from smmpanel.inputs import parse_id
from smmpanel.notifications.actions import retry_given_up
from smmpanel.notifications.models import Message, MessageStatus

PAGE_SIZE = 50


@staff_required("notifications.view_message")
def message_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    outbox = Message.objects.order_by("-id")
    if status in MessageStatus.values:
        outbox = outbox.filter(status=status)
    else:
        status = ""
    page = Paginator(outbox, PAGE_SIZE).get_page(request.GET.get("page"))
    return render_page(
        request,
        "backoffice/notifications.html",
        "notifications",
        page=page,
        query=f"status={status}" if status else "",
        chosen=status,
        statuses=MessageStatus.choices,
        failed=Message.objects.filter(status=MessageStatus.FAILED).count(),
    )


@require_POST
@staff_required("notifications.view_message", "notifications.change_message")
def message_retry(request: HttpRequest) -> HttpResponse:
    """Retry one given-up message (`message`), or all of them (`all`)."""
    message_id = parse_id(request.POST.get("message"))
    if message_id is None and "all" not in request.POST:
        return redirect("backoffice:notifications")
    retried = retry_given_up(acting_user=Actor.of_request(request), message_id=message_id)
    messages.success(
        request,
        ngettext(
            "%(count)d message will be sent again.",
            "%(count)d messages will be sent again.",
            retried,
        )
        % {"count": retried},
    )
    return redirect("backoffice:notifications")
