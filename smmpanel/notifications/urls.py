from django.urls import path

from smmpanel.notifications import views

app_name = "notifications"
urlpatterns = [
    path("accounts/profile/notifications/", views.save, name="save"),
    path("accounts/profile/telegram/link/", views.telegram_link, name="telegram_link"),
    path("accounts/profile/telegram/unlink/", views.telegram_unlink, name="telegram_unlink"),
]
