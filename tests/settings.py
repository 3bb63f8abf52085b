"""Test settings: the project's settings on the test database.

`SMMPANEL_TEST_DATABASE_URL` selects PostgreSQL (pytest-django creates and drops `test_<name>`);
without it, SQLite in a file, so that server processes started by end-to-end tests can share it.
"""

import os
import tempfile

os.environ.setdefault("SMMPANEL_DATA_DIR", tempfile.mkdtemp(prefix="smmpanel-test-"))
os.environ.setdefault("SMMPANEL_SECRET_KEY", "test-secret-key-not-for-production")
# The test client and the test servers speak plain http on 127.0.0.1.
os.environ.setdefault("SMMPANEL_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SMMPANEL_SECURE_COOKIES", "0")
os.environ.setdefault("SMMPANEL_HSTS_SECONDS", "0")
# Test upstreams listen on 127.0.0.1.
os.environ.setdefault("SMMPANEL_ALLOW_PRIVATE_PROVIDERS", "1")
# Every test client logs in from 127.0.0.1: the staff log-in limit is on only in its own tests.
os.environ.setdefault("SMMPANEL_RATE_LIMIT_LOGIN", "0")
if url := os.environ.get("SMMPANEL_TEST_DATABASE_URL"):
    os.environ["SMMPANEL_DATABASE_URL"] = url
else:
    os.environ.pop("SMMPANEL_DATABASE_URL", None)

from smmpanel.settings import *  # noqa: E402, F403
from smmpanel.settings import DATA_DIR, DATABASES  # noqa: E402

# The test client's host. Not in the environment: every `smmpanel serve` a test starts is given
# its own address (tests/conftest.py `serving`), as production is.
PUBLIC_URL = "http://testserver"

if DATABASES["default"]["ENGINE"] == "smmpanel.sqlite":
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}

# Fast hashing in tests; PBKDF2 too, to check passwords set by `smmpanel` processes.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
