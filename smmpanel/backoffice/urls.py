from django.urls import path

from smmpanel.backoffice.views import (
    audit_log,
    dashboard,
    orders,
    panel_settings,
    payments,
    providers,
    requests,
    services,
    users,
)

app_name = "backoffice"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("orders/", orders.order_list, name="orders"),
    path("orders/bulk/", orders.order_bulk, name="order_bulk"),
    path("services/", services.service_list, name="services"),
    path("services/new/", services.service_create, name="service_create"),
    path("services/bulk/", services.service_bulk, name="service_bulk"),
    path("services/<int:pk>/", services.service_edit, name="service_edit"),
    path("services/<int:pk>/toggle/", services.service_toggle, name="service_toggle"),
    path("services/<int:pk>/move/<str:direction>/", services.service_move, name="service_move"),
    path(
        "categories/<int:pk>/move/<str:direction>/",
        services.category_move,
        name="category_move",
    ),
    path("categories/<int:pk>/rename/", services.category_rename, name="category_rename"),
    path("users/", users.user_list, name="users"),
    path("users/<int:pk>/", users.user_detail, name="user"),
    path("users/<int:pk>/adjust/", users.user_adjust, name="user_adjust"),
    path("users/<int:pk>/status/", users.user_status, name="user_status"),
    path("users/<int:pk>/key/", users.user_reset_key, name="user_reset_key"),
    path("users/<int:pk>/discount/", users.user_discount, name="user_discount"),
    path("payments/", payments.payment_list, name="payments"),
    path("payments/<int:pk>/", payments.payment_decide, name="payment_decide"),
    path("requests/", requests.request_list, name="requests"),
    path("refills/<int:pk>/", requests.refill_set, name="refill_set"),
    path("cancels/<int:pk>/", requests.cancel_decide, name="cancel_decide"),
    path("review/<int:pk>/", requests.review_decide, name="review_decide"),
    path("providers/", providers.provider_list, name="providers"),
    path("providers/add/", providers.provider_add, name="provider_add"),
    path("providers/<int:pk>/check/", providers.provider_check, name="provider_check"),
    path("providers/<int:pk>/import/", providers.provider_import, name="provider_import"),
    path("imports/<int:pk>/", providers.import_progress, name="import_progress"),
    path("settings/", panel_settings.settings_page, name="settings"),
    path("audit/", audit_log.audit_list, name="audit"),
]
