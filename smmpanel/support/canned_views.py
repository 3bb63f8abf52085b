"""Staff's canned replies, per language: the list with a form for a new one, edit, delete."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from smmpanel.audit.log import Actor
from smmpanel.backoffice.access import staff_required
from smmpanel.backoffice.pages import render_page
from smmpanel.support.canned import (
    create_canned_reply,
    delete_canned_reply,
    update_canned_reply,
)
from smmpanel.support.errors import SupportError
from smmpanel.support.models import BODY_MAX_LENGTH, CannedReply


class CannedForm(forms.Form):
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=settings.LANGUAGES)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=100)
    body = forms.CharField(
        label=gettext_lazy("Text"),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


def _saved(request: HttpRequest, form: CannedForm, canned_id: int | None = None) -> bool:
    if not form.is_valid():
        return False
    try:
        if canned_id is None:
            create_canned_reply(acting_user=Actor.of_request(request), **form.cleaned_data)
        else:
            update_canned_reply(
                canned_id=canned_id, acting_user=Actor.of_request(request), **form.cleaned_data
            )
    except SupportError as error:
        form.add_error(error.field, error.message)
        return False
    messages.success(request, _("Canned reply saved."))
    return True


@staff_required("support.view_cannedreply")
def canned_list(request: HttpRequest) -> HttpResponse:
    form = CannedForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("support.add_cannedreply"):
            return render_page(request, "backoffice/forbidden.html", "tickets", status=403)
        if _saved(request, form):
            return redirect("backoffice:canned_replies")
    return render_page(
        request,
        "support/canned.html",
        "tickets",
        status=400 if form.is_bound else 200,
        replies=CannedReply.objects.all(),
        form=form,
    )


@staff_required("support.change_cannedreply")
def canned_edit(request: HttpRequest, pk: int) -> HttpResponse:
    reply = get_object_or_404(CannedReply, pk=pk)
    initial = {"language": reply.language, "title": reply.title, "body": reply.body}
    form = CannedForm(request.POST or None, initial=initial)
    if request.method == "POST" and _saved(request, form, reply.pk):
        return redirect("backoffice:canned_replies")
    return render_page(
        request,
        "support/canned_edit.html",
        "tickets",
        status=400 if form.is_bound else 200,
        reply=reply,
        form=form,
    )


@require_POST
@staff_required("support.delete_cannedreply")
def canned_delete(request: HttpRequest, pk: int) -> HttpResponse:
    if not CannedReply.objects.filter(pk=pk).exists():
        raise Http404
    delete_canned_reply(canned_id=pk, acting_user=Actor.of_request(request))
    messages.success(request, _("Canned reply deleted."))
    return redirect("backoffice:canned_replies")
