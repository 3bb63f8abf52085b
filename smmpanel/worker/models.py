"""Routines: work due at intervals that belongs to no row of its own (measuring services'
average times), claimed like any due row so that several workers run each once."""

from django.db import models


class Routine(models.Model):
    name = models.CharField(max_length=64, primary_key=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name
