"""What the panel measures of real orders: each order's reported progress over time."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from smmpanel.orders.models import Order


class OrderProgress(models.Model):
    """One report that changed an order: its status, start count and remains at that moment.
    The order's delivery proof, and the source of the providers' times to start."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="progress")
    at = models.DateTimeField(_("time"))
    status = models.CharField(_("status"), max_length=32)
    start_count = models.BigIntegerField(_("start count"), null=True, blank=True)
    remains = models.BigIntegerField(_("remains"), null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["order", "at"])]
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id} {self.status} at {self.at}"
