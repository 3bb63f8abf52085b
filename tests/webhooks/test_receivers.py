"""The receiver examples (docs/webhooks/) take signed events and refuse forged ones.

receiver.py runs for real, as a process; receiver.php too when PHP is installed. The README
shows both files as they are.
"""

import hashlib
import hmac
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs" / "webhooks"
SECRET = "whsec_test-secret"


def serve(args: list[str], tmp_path: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "SMMPANEL_WEBHOOK_SECRET": SECRET}
    log = (tmp_path / "receiver.log").open("w")
    process = subprocess.Popen(args, env=env, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
            return process
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("receiver did not start")


def check_receiver(url: str) -> None:
    body = json.dumps({"id": 7, "type": "order.updated", "order": 1, "status": "Completed",
                       "remains": 0, "start_count": 5, "charge": "1.00", "currency": "USD",
                       "time": "2026-01-05T08:30:00+00:00"}).encode()  # fmt: skip
    good = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    forged = hmac.new(b"another secret", body, hashlib.sha256).hexdigest()

    def send(signature: str | None, content: bytes = body) -> int:
        headers = {"Content-Type": "application/json"}
        if signature is not None:
            headers["X-Smmpanel-Signature"] = signature
        return httpx.post(url, content=content, headers=headers, timeout=5).status_code

    assert send(good) == 200
    assert send(good) == 200  # a repeat is taken (and handled once)
    assert send(forged) == 401
    assert send(None) == 401
    assert send(good, body.replace(b"Completed", b"Canceled")) == 401  # a changed body


def test_the_python_receiver_refuses_a_forged_signature(tmp_path):
    port = free_port()
    script = str(EXAMPLES / "receiver.py")
    process = serve([sys.executable, script, str(port)], tmp_path, port)
    try:
        check_receiver(f"http://127.0.0.1:{port}/")
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert (tmp_path / "receiver.log").read_text().count("order 1: Completed, remains 0") == 1


@pytest.mark.skipif(shutil.which("php") is None, reason="PHP is not installed on this machine")
def test_the_php_receiver_refuses_a_forged_signature(tmp_path):
    port = free_port()
    script = str(EXAMPLES / "receiver.php")
    process = serve(["php", "-S", f"127.0.0.1:{port}", script], tmp_path, port)
    try:
        check_receiver(f"http://127.0.0.1:{port}/")
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert (tmp_path / "seen-events.txt").read_text() == "7\n"


def test_both_examples_check_the_same_way():
    """Without PHP to run it: receiver.php mirrors receiver.py step by step."""
    php = (EXAMPLES / "receiver.php").read_text()
    for step in ("file_get_contents('php://input')", "hash_hmac('sha256', $body, $secret)",
                 "HTTP_X_SMMPANEL_SIGNATURE", "hash_equals($expected, $given)",
                 "http_response_code(401)", "$event['id']"):  # fmt: skip
        assert step in php


def test_the_readme_shows_the_examples_as_they_are():
    readme = (ROOT / "README.md").read_text()
    for name in ("receiver.py", "receiver.php"):
        assert (EXAMPLES / name).read_text() in readme
