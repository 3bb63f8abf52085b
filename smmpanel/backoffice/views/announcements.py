"""Announcements and the FAQ and terms pages, written per language. The rules and the audit
entries are the pages app's (`pages.actions`); the page parses, calls and shows."""

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
from smmpanel.pages import actions
from smmpanel.pages.errors import PagesError
from smmpanel.pages.models import Announcement, SitePage
from smmpanel.pages.texts import MAX_LENGTH

VIEW = ("pages.view_announcement",)
CHANGE = (*VIEW, "pages.change_announcement")
ADD = (*CHANGE, "pages.add_announcement")
DELETE = (*CHANGE, "pages.delete_announcement")
CHANGE_PAGE = ("pages.change_sitepage",)

# Each language by its own name, as the language switch shows it.
LANGUAGE_LABELS = dict(settings.LANGUAGES)
MARKDOWN_HELP = gettext_lazy("Markdown: **bold**, *italic*, lists, [links](https://…). No HTML.")


def _text(label: str, language: str, *, required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=f"{label} ({LANGUAGE_LABELS[language]})",
        required=required,
        max_length=MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=MARKDOWN_HELP,
    )


class AnnouncementForm(forms.Form):
    def __init__(self, *args: object, new: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for language in LANGUAGE_LABELS:
            self.fields[f"title_{language}"] = forms.CharField(
                label=f"{_('Title')} ({LANGUAGE_LABELS[language]})",
                required=language == "en",
                max_length=actions.TITLE_MAX_LENGTH,
            )
            self.fields[f"body_{language}"] = _text(_("Text"), language)
        if new:
            self.fields["publish"] = forms.BooleanField(
                label=gettext_lazy("Publish now"), required=False
            )


class SitePageForm(forms.Form):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for language in LANGUAGE_LABELS:
            self.fields[f"body_{language}"] = _text(_("Text"), language)


def _texts(form: forms.Form) -> dict[str, str]:
    return {name: value for name, value in form.cleaned_data.items() if name != "publish"}


@staff_required(*VIEW)
def announcement_list(request: HttpRequest) -> HttpResponse:
    listed = Announcement.objects.order_by("-published_at", "-pk")
    return render_page(
        request,
        "backoffice/announcements.html",
        "announcements",
        announcements=listed,
        site_pages=SitePage.Kind.choices,
    )


def _form_page(
    request: HttpRequest, form: AnnouncementForm, announcement: Announcement | None
) -> HttpResponse:
    return render_page(
        request,
        "backoffice/announcement_form.html",
        "announcements",
        form=form,
        announcement=announcement,
        status=400 if form.is_bound else 200,
    )


@staff_required(*ADD)
def announcement_create(request: HttpRequest) -> HttpResponse:
    form = AnnouncementForm(request.POST or None, new=True)
    if request.method == "POST" and form.is_valid():
        try:
            actions.create_announcement(
                acting_user=Actor.of_request(request),
                publish=form.cleaned_data["publish"],
                **_texts(form),
            )
        except PagesError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Announcement saved."))
            return redirect("backoffice:announcements")
    return _form_page(request, form, None)


@staff_required(*CHANGE)
def announcement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    announcement = get_object_or_404(Announcement, pk=pk)
    if request.method != "POST":
        initial = {name: getattr(announcement, name) for name in actions.ANNOUNCEMENT_FIELDS}
        return _form_page(request, AnnouncementForm(initial=initial), announcement)
    form = AnnouncementForm(request.POST)
    if form.is_valid():
        try:
            actions.edit_announcement(
                acting_user=Actor.of_request(request), announcement_id=pk, **_texts(form)
            )
        except PagesError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Announcement saved."))
            return redirect("backoffice:announcements")
    return _form_page(request, form, announcement)


@require_POST
@staff_required(*CHANGE)
def announcement_publish(request: HttpRequest, pk: int) -> HttpResponse:
    announcement = get_object_or_404(Announcement, pk=pk)
    published = request.POST.get("published") == "1"
    actions.publish_announcement(
        acting_user=Actor.of_request(request), announcement_id=announcement.pk, published=published
    )
    messages.success(
        request, _("Announcement published.") if published else _("Announcement hidden.")
    )
    return redirect("backoffice:announcements")


@require_POST
@staff_required(*DELETE)
def announcement_delete(request: HttpRequest, pk: int) -> HttpResponse:
    if actions.delete_announcement(acting_user=Actor.of_request(request), announcement_id=pk):
        messages.success(request, _("Announcement deleted."))
    return redirect("backoffice:announcements")


@staff_required(*CHANGE_PAGE)
def site_page_edit(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in SitePage.Kind.values:
        raise Http404
    page = SitePage.objects.filter(kind=kind).first()
    if request.method == "POST":
        form = SitePageForm(request.POST)
        if form.is_valid():
            try:
                actions.edit_site_page(
                    acting_user=Actor.of_request(request), kind=kind, **form.cleaned_data
                )
            except PagesError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Page saved."))
                return redirect("backoffice:site_page", kind=kind)
    else:
        initial = {name: getattr(page, name) for name in actions.BODY_FIELDS} if page else {}
        form = SitePageForm(initial=initial)
    return render_page(
        request,
        "backoffice/site_page_form.html",
        "announcements",
        form=form,
        kind=kind,
        title=SitePage.Kind(kind).label,
        status=400 if form.is_bound else 200,
    )
