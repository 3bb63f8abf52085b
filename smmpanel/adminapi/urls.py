from django.urls import path, re_path

from smmpanel.adminapi import openapi
from smmpanel.adminapi.views import endpoint

urlpatterns = [
    re_path(r"^v2/?$", endpoint, name="adminapi"),
    path("v2/openapi.json", openapi.document, name="adminapi_openapi"),
]
