"""Browser tests: Playwright driving Debian's `chromium` against a real `smmpanel serve`.

No browser is downloaded: the `chromium` on the PATH is used, and the tests are skipped (with
the reason) only when it is absent.
"""

import shutil
from collections.abc import Iterator

import pytest

CHROMIUM = shutil.which("chromium")
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture
def chromium(monkeypatch) -> Iterator:
    """A headless chromium for one test, stopped before the test's database is cleaned up."""
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API keeps an event loop in this thread while it runs; the test's own
    # ORM calls are still plain synchronous calls, so let Django make them meanwhile.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()
