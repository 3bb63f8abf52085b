from django.urls import path

from smmpanel.payments import formpost, sandbox, views

app_name = "payments"
urlpatterns = [
    path("payments/callback/<slug:gateway>/", views.callback, name="callback"),
    path("payments/callback/<slug:gateway>/<id:method>/", views.callback, name="method_callback"),
    path("payments/sandbox/<id:pk>/", sandbox.checkout, name="sandbox_checkout"),
    path("payments/checkout/<id:pk>/", formpost.checkout, name="form_checkout"),
]
