from collections.abc import Iterator

import pytest

from tests.notifications.fakes import TOKEN, FakeTelegram, SmtpServer


@pytest.fixture
def smtp(settings) -> Iterator[SmtpServer]:
    """Django's SMTP backend pointed at a real SMTP server."""
    with SmtpServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.OPERATOR_EMAIL = "ops@example.com"
        settings.NOTIFY_TIMEOUT_SECONDS = 5
        yield server


@pytest.fixture
def telegram(settings) -> Iterator[FakeTelegram]:
    with FakeTelegram() as fake:
        settings.TELEGRAM_BOT_TOKEN = TOKEN
        settings.TELEGRAM_API_URL = fake.url
        settings.TELEGRAM_CHAT_ID = "-100777"
        settings.TELEGRAM_BOT_USERNAME = ""
        yield fake  # type: ignore[misc]
