"""The audit log: every operator action, newest first, filtered by who, what and which object."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse

from smmpanel.audit.log import described
from smmpanel.audit.models import AuditEntry
from smmpanel.backoffice.access import staff_required
from smmpanel.backoffice.pages import render_page
from smmpanel.inputs import clean_text

PAGE_SIZE = 50


@staff_required("audit.view_auditentry")
def audit_list(request: HttpRequest) -> HttpResponse:
    entries = AuditEntry.objects.order_by("-id")
    filters = {
        "actor": clean_text(request.GET.get("actor")),
        "action": clean_text(request.GET.get("action")),
        "object_type": clean_text(request.GET.get("object_type")),
        "object_id": clean_text(request.GET.get("object_id")),
    }
    if filters["actor"]:
        entries = entries.filter(actor_name=filters["actor"])
    if filters["action"]:
        entries = entries.filter(action__startswith=filters["action"])
    if filters["object_type"]:
        entries = entries.filter(object_type=filters["object_type"])
    if filters["object_id"]:
        entries = entries.filter(object_id=filters["object_id"])
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    for entry in page:
        entry.changes = described(entry)  # type: ignore[attr-defined]
    params = request.GET.copy()
    params.pop("page", None)
    return render_page(
        request,
        "backoffice/audit.html",
        "audit",
        page=page,
        query=params.urlencode(),
        filters=filters,
        object_types=AuditEntry.objects.values_list("object_type", flat=True)
        .distinct()
        .order_by("object_type"),
    )
