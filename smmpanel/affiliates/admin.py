"""Referrals, commissions and payouts, inspected (see staff/inspector.py); staff decide payouts
and set percents in the back-office."""

from django.contrib import admin

from smmpanel.affiliates.models import Commission, Payout, Referral
from smmpanel.staff.inspector import Inspector


@admin.register(Referral)
class ReferralAdmin(Inspector):
    list_display = ["id", "created_at", "affiliate", "referred", "status", "refusal", "ip"]
    list_filter = ["status", "refusal"]
    search_fields = ["referred__user__username", "affiliate__code"]
    ordering = ["-id"]


@admin.register(Commission)
class CommissionAdmin(Inspector):
    list_display = ["id", "created_at", "affiliate", "base", "percent", "amount", "status"]
    list_filter = ["status"]
    search_fields = ["affiliate__code"]
    ordering = ["-id"]


@admin.register(Payout)
class PayoutAdmin(Inspector):
    list_display = ["id", "created_at", "affiliate", "method", "status", "amount"]
    list_filter = ["method", "status"]
    search_fields = ["affiliate__code"]
    ordering = ["-id"]
