from django.db import models

from smmpanel.money import MAX_DIGITS, SCALE


class PanelSettings(models.Model):
    """The operator's overrides of the `SMMPANEL_*` defaults: one row, blank means "the default".

    Read through `configuration.current`, never directly, so that hot paths hit a cache.
    """

    panel_name = models.CharField(max_length=100, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    # Comma-separated language codes offered to customers, e.g. "en,id".
    languages = models.CharField(max_length=100, blank=True)
    refuse_duplicate_link = models.BooleanField(null=True, blank=True)
    # API requests per minute and key; 0 turns the limit off.
    api_requests_per_minute = models.PositiveIntegerField(null=True, blank=True)
    # Support tickets: the kinds the panel handles by itself, open tickets per customer, the
    # hours before the automation acts again on the same order (see smmpanel/support/).
    support_auto_refill = models.BooleanField(null=True, blank=True)
    support_auto_cancel = models.BooleanField(null=True, blank=True)
    support_auto_speed_up = models.BooleanField(null=True, blank=True)
    support_open_tickets = models.PositiveIntegerField(null=True, blank=True)
    support_order_cooldown_hours = models.PositiveIntegerField(null=True, blank=True)
    # Affiliates: the commission's percent of a deposit, the days a referral link's visit
    # counts, the days a commission is held (chargebacks), the least payout.
    affiliate_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    affiliate_cookie_days = models.PositiveIntegerField(null=True, blank=True)
    affiliate_hold_days = models.PositiveIntegerField(null=True, blank=True)
    affiliate_min_payout = models.DecimalField(
        max_digits=MAX_DIGITS, decimal_places=SCALE, null=True, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "panel settings"
        verbose_name_plural = "panel settings"
        constraints = [
            # A single row: its primary key is always 1.
            models.CheckConstraint(condition=models.Q(id=1), name="panel_settings_single_row"),
        ]

    def __str__(self) -> str:
        return "Panel settings"
