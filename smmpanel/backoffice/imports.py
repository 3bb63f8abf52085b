"""Provider catalog imports started from the back-office: in a background thread, with their
progress in a `CatalogImport` row that the progress bar polls."""

import logging
import threading
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import connections
from django.http import HttpRequest
from django.utils import timezone

from smmpanel.audit.log import Actor, client_ip
from smmpanel.backoffice.models import CatalogImport
from smmpanel.providers.catalog_import import import_catalog
from smmpanel.providers.errors import ProviderError
from smmpanel.providers.models import Provider

logger = logging.getLogger(__name__)
# Progress is written at most this often (every N services), and always at the end.
PROGRESS_STEP = 10
# A running import that has not progressed for this long died with its process.
STALE_AFTER = timedelta(minutes=10)


def launch(target: Callable[..., None], *args: Any) -> None:
    """Run `target(*args)` in a daemon thread that closes its database connections when done
    (a seam: tests run the import inline)."""

    def body() -> None:
        try:
            target(*args)
        finally:
            connections.close_all()

    threading.Thread(target=body, daemon=True, name="catalog-import").start()


def start_import(
    *, request: HttpRequest, provider: Provider, markup: Decimal | None
) -> CatalogImport:
    """Record an import of `provider`'s catalog and start it; at most one runs per provider.

    An import silent for STALE_AFTER (its process restarted) is marked failed, not waited for.
    """
    running = CatalogImport.objects.filter(provider=provider, state=CatalogImport.State.RUNNING)
    running.filter(updated_at__lt=timezone.now() - STALE_AFTER).update(
        state=CatalogImport.State.FAILED, error="Stopped: the server restarted during the import"
    )
    if existing := running.first():
        return existing
    job = CatalogImport.objects.create(
        provider=provider,
        started_by=request.user if request.user.is_authenticated else None,
        markup=markup,
        ip=client_ip(request),
    )
    launch(run_import, job.pk)
    return job


def run_import(job_id: int) -> None:
    """The import itself (network calls, one transaction per service; it records its own audit
    entry in the name of the operator who started it), then the job's report."""
    job = CatalogImport.objects.select_related("provider", "started_by").get(pk=job_id)

    def progress(done: int, total: int) -> None:
        if done == total or done % PROGRESS_STEP == 0:
            CatalogImport.objects.filter(pk=job_id).update(
                done=done, total=total, updated_at=timezone.now()
            )

    try:
        report = import_catalog(
            acting_user=Actor.of_user(job.started_by or AnonymousUser(), ip=job.ip),
            provider=job.provider,
            markup=job.markup,
            progress=progress,
        )
    except ProviderError as error:
        CatalogImport.objects.filter(pk=job_id).update(
            state=CatalogImport.State.FAILED, error=error.message
        )
        return
    except Exception:
        logger.exception("catalog import %s failed", job_id)
        CatalogImport.objects.filter(pk=job_id).update(
            state=CatalogImport.State.FAILED, error="Internal error; see the server's log"
        )
        return
    CatalogImport.objects.filter(pk=job_id).update(
        state=CatalogImport.State.DONE, report=report.summary()
    )
