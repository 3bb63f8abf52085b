from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "smmpanel.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from smmpanel.notifications import receivers
        from smmpanel.orders.changes import orders_changed, refill_changed

        orders_changed.connect(receivers.orders_changed, dispatch_uid="notifications.orders")
        refill_changed.connect(receivers.refill_changed, dispatch_uid="notifications.refill")
