"""What the panel measures of real orders: each order's reported progress over time."""

from django.db import models

from smmpanel.orders.models import Order


class OrderProgress(models.Model):
    """One report that changed an order: its status, start count and remains at that moment.
    The order's delivery proof, and the source of the providers' times to start."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="progress")
    at = models.DateTimeField("time")
    status = models.CharField("status", max_length=32)
    start_count = models.BigIntegerField("start count", null=True, blank=True)
    remains = models.BigIntegerField("remains", null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["order", "at"])]
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id} {self.status} at {self.at}"
