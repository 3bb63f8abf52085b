"""The outbox: messages waiting, sent and given up (after SMMPANEL_NOTIFY_MAX_ATTEMPTS), newest
first, with their last error."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse

from smmpanel.backoffice.access import staff_required
from smmpanel.backoffice.pages import render_page
from smmpanel.notifications.models import Message, MessageStatus

PAGE_SIZE = 50


@staff_required("notifications.view_message")
def message_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    messages = Message.objects.order_by("-id")
    if status in MessageStatus.values:
        messages = messages.filter(status=status)
    else:
        status = ""
    page = Paginator(messages, PAGE_SIZE).get_page(request.GET.get("page"))
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
