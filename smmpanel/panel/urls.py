"""The customer panel, mounted at the site's root (the API is /api, operators /admin/)."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from smmpanel.panel import (
    account_views,
    affiliate_views,
    api_views,
    dashboard_views,
    funds_views,
    ledger_views,
    list_views,
    order_page,
    order_views,
    product_views,
    two_factor_views,
    updates_views,
    webhook_views,
)

app_name = "panel"
urlpatterns = [
    path("", order_views.new_order, name="new_order"),
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("order/services/", order_views.service_options, name="order_services"),
    path("order/fields/", order_views.service_fields, name="order_fields"),
    path("favorites/<id:pk>/", order_views.favorite, name="favorite"),
    path("order/preview/", order_views.preview, name="order_preview"),
    path("mass-order/", order_views.mass_order, name="mass_order"),
    path("orders/", list_views.orders, name="orders"),
    path("orders/<id:pk>/", order_page.order_page, name="order"),
    path("orders/<id:pk>/refill/", list_views.refill, name="order_refill"),
    path("orders/<id:pk>/cancel/", list_views.cancel, name="order_cancel"),
    path("refills/", list_views.refills, name="refills"),
    path("services/", list_views.services, name="services"),
    path("products/", product_views.products, name="products"),
    path("products/orders/", product_views.product_orders, name="product_orders"),
    path("updates/", updates_views.updates, name="updates"),
    path("updates/feed/", updates_views.UpdatesFeed(), name="updates_feed"),
    path("funds/", funds_views.funds, name="funds"),
    path("funds/payments/<id:pk>/", funds_views.payment_page, name="payment"),
    path("transactions/", ledger_views.transactions, name="transactions"),
    path("transactions/export.csv", ledger_views.transactions_csv, name="transactions_csv"),
    path("api-access/", api_views.api_access, name="api_access"),
    path("api-access/regenerate/", api_views.regenerate_key, name="regenerate_key"),
    path("api-access/webhook/", webhook_views.set_webhook, name="webhook_set"),
    path("api-access/webhook/secret/", webhook_views.rotate_secret, name="webhook_secret"),
    path("api-access/webhook/remove/", webhook_views.remove_webhook, name="webhook_remove"),
    path("api-access/webhook/test/", webhook_views.test_event, name="webhook_test"),
    path("accounts/profile/", account_views.profile, name="profile"),
    path("accounts/two-factor/", two_factor_views.two_factor_page, name="two_factor"),
    path("language/", account_views.set_language, name="language"),
    path("affiliates/", affiliate_views.affiliates, name="affiliates"),
    path("ref/<str:code>", affiliate_views.referral_link, name="referral"),
]

# Log-in and friends keep Django's names (`login`, `logout`, `password_reset`, …).
accounts_urlpatterns = [
    path("accounts/login/", account_views.LoginView.as_view(), name="login"),
    path("accounts/login/code/", two_factor_views.login_code, name="login_code"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/signup/", account_views.signup, name="signup"),
    path("accounts/verify/<str:token>/", account_views.verify_email, name="verify_email"),
    path(
        "accounts/password-reset/",
        account_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="panel/auth/password_reset_done.html"
        ),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        account_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="panel/auth/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(
            template_name="panel/auth/password_change.html",
            success_url=reverse_lazy("panel:profile"),
        ),
        name="password_change",
    ),
]
