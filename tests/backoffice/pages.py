"""Helpers for driving the admin the way a browser does: read a change form, post it back."""

from typing import Any

from django.contrib.messages import get_messages
from django.db.models import Model
from django.test import Client
from django.urls import reverse


def changelist_url(model: type[Model]) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def change_url(obj: Model) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def messages_of(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def form_data(client: Client, url: str) -> dict[str, Any]:
    """What the browser would post back, unchanged, from the change form at `url`."""
    response = client.get(url)
    assert response.status_code == 200
    forms = [response.context["adminform"].form]
    data: dict[str, Any] = {"_save": "Save"}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data.update(
            {management.add_prefix(name): value for name, value in management.initial.items()}
        )
        forms.extend(formset.forms)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is not None and value is not False:
                data[form.add_prefix(name)] = value
    return data


def run_action(client: Client, model: type[Model], action: str, objs: list[Model], **extra: str):
    return client.post(
        changelist_url(model),
        {"action": action, "_selected_action": [obj.pk for obj in objs], "index": 0, **extra},
    )
