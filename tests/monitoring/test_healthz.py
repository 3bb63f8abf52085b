"""`/healthz`: 200 while the database answers and a worker beat recently, 503 with the reason
otherwise."""

from datetime import timedelta

import pytest
from django.utils import timezone

from smmpanel.monitoring.heartbeat import beat, last_beat, worker_name
from smmpanel.monitoring.models import WorkerHeartbeat
from smmpanel.worker.loop import run_once

pytestmark = pytest.mark.django_db


def test_healthz_is_ok_after_a_worker_pass(client):
    run_once()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_healthz_is_unavailable_before_any_worker_beat(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert "no worker heartbeat yet" in response.json()["reason"]


def test_healthz_is_unavailable_when_the_heartbeat_is_old(client, settings):
    settings.WORKER_HEARTBEAT_SECONDS = 60
    beat(timezone.now() - timedelta(seconds=61))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["reason"].startswith("no worker heartbeat for 61 s")
    beat()
    assert client.get("/healthz").status_code == 200


def test_healthz_answers_any_host_over_plain_http(client, settings):
    """Load balancers call a server by its address, over http: no redirect, no host check."""
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["panel.example.com"]
    beat()
    response = client.get("/healthz", HTTP_HOST="10.1.2.3:8000")
    assert response.status_code == 200


def test_a_heartbeat_is_one_row_per_host_the_latest_wins():
    earlier = timezone.now() - timedelta(minutes=5)
    beat(earlier)
    beat()
    assert WorkerHeartbeat.objects.get().worker == worker_name()
    WorkerHeartbeat.objects.create(worker="other-host", beat_at=earlier)
    assert last_beat() == WorkerHeartbeat.objects.get(worker=worker_name()).beat_at


def test_the_worker_beats_at_every_pass():
    run_once()
    first = last_beat()
    run_once()
    assert first is not None and last_beat() > first
