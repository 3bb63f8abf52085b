"""The one settings module. Everything an operator sets comes from `SMMPANEL_*` variables,
each with an embedded default so that `smmpanel demo` needs none."""

import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent


def _env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DATA_DIR = Path(os.environ.get("SMMPANEL_DATA_DIR", "smmpanel-data")).resolve()


def _secret_key() -> str:
    """The operator's key, or one generated once and kept in the data directory."""
    if key := os.environ.get("SMMPANEL_SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    # O_EXCL: when two processes start at once, one writes and both read the same key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


SECRET_KEY = _secret_key()
DEBUG = _env_flag("SMMPANEL_DEBUG")


def _public_url() -> str:
    """`scheme://host[:port]` of SMMPANEL_PUBLIC_URL, or "" when it is not set."""
    text = os.environ.get("SMMPANEL_PUBLIC_URL", "").strip().rstrip("/")
    if not text:
        return ""
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ImproperlyConfigured(
            f"SMMPANEL_PUBLIC_URL must be http(s)://HOST[:PORT], e.g. "
            f"https://panel.example.com, not {text!r}"
        )
    if parts.path or parts.query or parts.fragment or parts.username or parts.password:
        raise ImproperlyConfigured(
            f"SMMPANEL_PUBLIC_URL is the panel's address without a path, e.g. "
            f"https://panel.example.com, not {text!r}"
        )
    return f"{parts.scheme}://{parts.netloc.lower()}"


# The address customers open the panel at. Every absolute link the panel hands out (password
# reset and verification e-mails, payment gateways, the API page) is built from it, never from
# the request's Host header, which the client chooses. Required unless SMMPANEL_DEBUG: `serve`
# refuses to start without it (smmpanel.publicurl.require).
_public_url_set = _public_url()
PUBLIC_URL = _public_url_set or ("http://127.0.0.1:8000" if DEBUG else "")
# The host names the panel answers to: SMMPANEL_ALLOWED_HOSTS and the public URL's host (in
# debug without either, Django's own: localhost and 127.0.0.1).
ALLOWED_HOSTS = [
    host.strip() for host in os.environ.get("SMMPANEL_ALLOWED_HOSTS", "").split(",") if host.strip()
]
_public_host = urlsplit(_public_url_set).hostname
if _public_host and _public_host not in ALLOWED_HOSTS and "*" not in ALLOWED_HOSTS:
    ALLOWED_HOSTS.append(_public_host)
CSRF_TRUSTED_ORIGINS = [
    origin.strip()
    for origin in os.environ.get("SMMPANEL_CSRF_TRUSTED_ORIGINS", "").split(",")
    if origin.strip()
]
if PUBLIC_URL and PUBLIC_URL not in CSRF_TRUSTED_ORIGINS:
    CSRF_TRUSTED_ORIGINS.append(PUBLIC_URL)

# The panel's currency: every balance, rate and charge is in it.
CURRENCY = os.environ.get("SMMPANEL_CURRENCY", "USD").strip().upper()

# Refuse a second active order for the same service and link (an operator's choice).
REFUSE_DUPLICATE_LINK = _env_flag("SMMPANEL_REFUSE_DUPLICATE_LINK")

# --- operator settings (defaults; the back-office stores overrides, see configuration/) ---
# API requests per minute and key; 0 means no limit.
API_REQUESTS_PER_MINUTE = int(os.environ.get("SMMPANEL_API_REQUESTS_PER_MINUTE", "0"))
# Support tickets: which kinds the panel handles by itself, how many tickets a customer may have
# open, and how long an order waits before the automation acts on it again (same kind).
SUPPORT_AUTO_REFILL = _env_flag("SMMPANEL_SUPPORT_AUTO_REFILL", default=True)
SUPPORT_AUTO_CANCEL = _env_flag("SMMPANEL_SUPPORT_AUTO_CANCEL", default=True)
SUPPORT_AUTO_SPEED_UP = _env_flag("SMMPANEL_SUPPORT_AUTO_SPEED_UP", default=True)
SUPPORT_OPEN_TICKETS = int(os.environ.get("SMMPANEL_SUPPORT_OPEN_TICKETS", "5"))
SUPPORT_ORDER_COOLDOWN_HOURS = int(os.environ.get("SMMPANEL_SUPPORT_ORDER_COOLDOWN_HOURS", "24"))
# --- end operator settings ---

# Simulated fulfilment: how long an order takes from placement to its final status, and how
# often (in percent) it ends Partial instead of Completed.
SIMULATED_SECONDS = float(os.environ.get("SMMPANEL_SIMULATED_SECONDS", "60"))
SIMULATED_PARTIAL_PERCENT = int(os.environ.get("SMMPANEL_SIMULATED_PARTIAL_PERCENT", "10"))

# Seconds between two passes of the worker over due work.
WORKER_TICK_SECONDS = float(os.environ.get("SMMPANEL_WORKER_TICK_SECONDS", "1"))
# How long a worker's claim on a row lasts unless renewed: a killed worker's work is taken over
# after it.
WORKER_LEASE_SECONDS = float(os.environ.get("SMMPANEL_WORKER_LEASE_SECONDS", "120"))

# Upstream providers: the client's timeout, how often an order in progress is polled (doubling
# while it does not change, up to the maximum), how often balances are checked, and how many
# orders one worker claims at a time (status polls go out in batches of 100 per provider).
PROVIDER_TIMEOUT_SECONDS = float(os.environ.get("SMMPANEL_PROVIDER_TIMEOUT_SECONDS", "30"))
PROVIDER_POLL_SECONDS = float(os.environ.get("SMMPANEL_PROVIDER_POLL_SECONDS", "30"))
PROVIDER_POLL_MAX_SECONDS = float(os.environ.get("SMMPANEL_PROVIDER_POLL_MAX_SECONDS", "900"))
PROVIDER_BALANCE_SECONDS = float(os.environ.get("SMMPANEL_PROVIDER_BALANCE_SECONDS", "300"))
# Minutes between two syncs of a provider's catalog (a provider may set its own; 0: never).
PROVIDER_SYNC_MINUTES = int(os.environ.get("SMMPANEL_PROVIDER_SYNC_MINUTES", "60"))
WORKER_BATCH = int(os.environ.get("SMMPANEL_WORKER_BATCH", "500"))

# A bare view serving a constant JSON object, the ceiling that bench/api.py compares against.
BENCH_CEILING = _env_flag("SMMPANEL_BENCH_CEILING")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "smmpanel.accounts",
    "smmpanel.catalog",
    "smmpanel.orders",
    "smmpanel.configuration",
    "smmpanel.versions",
    "smmpanel.audit",
    "smmpanel.backoffice",
    "smmpanel.providers",
    "smmpanel.quality",
    "smmpanel.worker",
    "smmpanel.adminapi",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # API v2's paths are answered here, past the pages' middleware (api/middleware.py).
    "smmpanel.api.middleware.ApiLane",
    # Before anything that reads the settings (versions.cache).
    "smmpanel.versions.middleware.VersionsScope",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "smmpanel.urls"
WSGI_APPLICATION = "smmpanel.wsgi.application"
# The API paths answer with or without a trailing slash themselves; never redirect a POST.
APPEND_SLASH = False

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _database() -> dict:
    url = os.environ.get("SMMPANEL_DATABASE_URL")
    database: dict[str, Any]
    if url:
        database = dict(dj_database_url.parse(url))
    else:
        database = {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "smmpanel.sqlite3"),
        }
    # Keep connections open across requests: a new connection per request halves throughput.
    database["CONN_MAX_AGE"] = None
    database["CONN_HEALTH_CHECKS"] = True
    if database["ENGINE"] == "django.db.backends.postgresql":
        # Django's backend, with a health check that costs no round trip (see its module).
        database["ENGINE"] = "smmpanel.postgresql"
        # Server-side prepared statements for the hot path's written-out statements (`rows`
        # asks for them): PostgreSQL then plans each once per connection instead of on every
        # request, which was most of the backend's work on the key's lookup (a psycopg loop:
        # 166 µs of backend CPU unprepared, 49 µs prepared). The ORM's statements are prepared
        # after psycopg's default 5 runs. Behind a pooler in transaction pooling mode
        # (SMMPANEL_DATABASE_TRANSACTION_POOLING) none are: PgBouncer before 1.21 would hand a
        # statement prepared on one server connection to another.
        pooling = _env_flag("SMMPANEL_DATABASE_TRANSACTION_POOLING")
        database.setdefault("OPTIONS", {})["prepare_threshold"] = None if pooling else 5
        # Behind such a pooler no server-side cursors either, which outlive a transaction
        # (Django's advice).
        database["DISABLE_SERVER_SIDE_CURSORS"] = pooling
    if database["ENGINE"] == "django.db.backends.sqlite3":
        # Django's backend, with writers waiting for each other without sleeping (see its module).
        database["ENGINE"] = "smmpanel.sqlite"
        database["OPTIONS"] = {
            # Writers queue for the lock at BEGIN instead of failing half-way through.
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            # A page cache of 64 MiB per connection, and no memory map of the file. A connection
            # drops its cache, and unmaps the whole file when mapped, each time it finds that
            # another process has written: with several server processes taking orders, that
            # happened on most statements, and the unmapping, remapping and page faults cost more
            # than reading the pages (measured: `add` 2,427 req/s mapped, 3,040 not; the 100-id
            # status the same).
            "init_command": (
                "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
                "PRAGMA cache_size=-65536;"
                # SQLite's own checkpoint, a backstop to smmpanel.sqlite's (see its module).
                "PRAGMA wal_autocheckpoint=10000;"
            ),
        }
    return database


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Messages live in the session, not in a cookie: a regenerated API key is shown in one.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SMMPANEL_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # One line per provider call is noise; faults are logged by smmpanel.providers.
        "httpx": {"level": "WARNING"},
    },
}

# --- Reliability and security ----------------------------------------------------------------
# Production-safe by default (check --deploy passes); `smmpanel demo` and the tests set the
# HTTPS-only parts off explicitly, so that the demo runs over http on 127.0.0.1.
SECURE_SSL_REDIRECT = _env_flag("SMMPANEL_SECURE_SSL_REDIRECT", not DEBUG)
# API clients are scripts: a redirect can't protect a key already sent, and it turns their POST
# into a GET. Browsers are kept on https by the redirect of the pages and by HSTS.
SECURE_REDIRECT_EXEMPT = [r"^api(?:/|$)"]
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _env_flag("SMMPANEL_SECURE_COOKIES", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SMMPANEL_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_flag("SMMPANEL_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = _env_flag("SMMPANEL_HSTS_PRELOAD", True)
# The header by which the TLS-terminating proxy says the request came over https ("" = none).
_proxy_ssl_header = os.environ.get("SMMPANEL_PROXY_SSL_HEADER", "X-Forwarded-Proto").strip()
if _proxy_ssl_header:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_ssl_header.upper().replace("-", "_"), "https")
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True

# The shared cache (rate-limit counters): the database on one machine, Redis beyond.
REDIS_URL = os.environ.get("SMMPANEL_REDIS_URL", "").strip()
CACHES: dict[str, dict[str, object]]
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "smmpanel_cache",
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }

# Rate limits, "N/s", "N/m", "N/h" or "N/d" ("0" = none). The API's defaults only stop runaway
# scripts; an operator sets tighter ones (e.g. 300/m). See README "Rate limits".
RATE_LIMIT_API_KEY = os.environ.get("SMMPANEL_RATE_LIMIT_API_KEY", "1000000/h")
RATE_LIMIT_API_IP = os.environ.get("SMMPANEL_RATE_LIMIT_API_IP", "2000000/h")
# Failed staff log-ins per address.
RATE_LIMIT_LOGIN = os.environ.get("SMMPANEL_RATE_LIMIT_LOGIN", "10/m")
# The customer pages: failed log-ins per address and per (username, address); sign-up and
# password-reset attempts per address and per name.
RATE_LIMIT_PANEL_ADDRESS = os.environ.get("SMMPANEL_RATE_LIMIT_PANEL_ADDRESS", "30/10m")
RATE_LIMIT_PANEL_NAME = os.environ.get("SMMPANEL_RATE_LIMIT_PANEL_NAME", "10/10m")
# New support tickets per customer (django-ratelimit's N/period; 0 turns it off).
RATE_LIMIT_TICKETS = os.environ.get("SMMPANEL_RATE_LIMIT_TICKETS", "10/h")
# Referral-link openings counted as visits per address (over it the link still leads to sign-up,
# uncounted; 0 turns it off).
RATE_LIMIT_REFERRAL_VISITS = os.environ.get("SMMPANEL_RATE_LIMIT_REFERRAL_VISITS", "60/h")
# Failed log-ins per username from every address (customers and staff): over it, only browsers
# that logged in as that user before may try (see smmpanel.accounts.login_limits).
RATE_LIMIT_LOGIN_ACCOUNT = os.environ.get("SMMPANEL_RATE_LIMIT_LOGIN_ACCOUNT", "30/h")
# HTTP status of the API's "Too many requests" reply: 200 as the protocol wants, or 429.
RATE_LIMIT_STATUS = int(os.environ.get("SMMPANEL_RATE_LIMIT_STATUS", "200"))
# Each process adds its hits to the shared count at most this often per key (0 = every hit).
RATE_LIMIT_FLUSH_SECONDS = float(os.environ.get("SMMPANEL_RATE_LIMIT_FLUSH_SECONDS", "0.5"))
# The header holding the client's address when behind a proxy (its last entry is used).
CLIENT_IP_HEADER = os.environ.get("SMMPANEL_CLIENT_IP_HEADER", "").strip()

# Provider URLs may point at private, loopback or link-local addresses only when allowed.
ALLOW_PRIVATE_PROVIDERS = _env_flag("SMMPANEL_ALLOW_PRIVATE_PROVIDERS")
# Customers' webhook URLs likewise (a separate switch: customers, not the operator, type them).
ALLOW_PRIVATE_WEBHOOKS = _env_flag("SMMPANEL_ALLOW_PRIVATE_WEBHOOKS")

# Two-factor log-in of staff (TOTP, django-otp), required of those who enrolled a device.
INSTALLED_APPS[INSTALLED_APPS.index("django.contrib.admin")] = (
    "smmpanel.staff.apps.StaffAdminConfig"
)
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp"]
# Customers' recovery codes (their two-factor log-in: smmpanel.accounts.two_factor).
INSTALLED_APPS += ["django_otp.plugins.otp_static"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "django_otp.middleware.OTPMiddleware",
)
OTP_TOTP_ISSUER = os.environ.get("SMMPANEL_OTP_ISSUER", "smmpanel")
# The admin's own templates come first among the apps' (the admin app is first): ours that
# replace one of them (admin/base_site.html: the panel's icon) are found from here.
TEMPLATES[0]["DIRS"] = [BASE_DIR / "staff" / "templates"]

# Secrets (API keys, passwords, tokens) are masked in every log line.
LOGGING["filters"] = {"secrets": {"()": "smmpanel.logredact.RedactSecrets"}}
LOGGING["handlers"] = {
    "console": {"class": "logging.StreamHandler", "filters": ["secrets"]},
}

# --- the web panel: customer pages, payments, languages ------------------------------------------
INSTALLED_APPS += [
    "smmpanel.payments",
    "smmpanel.webhooks",
    "smmpanel.panel",
    "smmpanel.pages",
    "smmpanel.support",
]
# The language of a page: the customer's profile, else the language cookie, else the browser's.
# Each app keeps its own `locale/` (makemessages per app), so branches don't collide in one file.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware") + 1,
    "smmpanel.panel.middleware.PanelLocaleMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "smmpanel.panel.middleware.CustomerPreferencesMiddleware",
)
_template_options: dict = TEMPLATES[0]["OPTIONS"]  # type: ignore[assignment]
_template_options["context_processors"] += [
    "django.template.context_processors.i18n",
    "smmpanel.panel.context.panel",
]
LANGUAGES = [("en", "English"), ("id", "Bahasa Indonesia"), ("vi", "Tiếng Việt")]
# Our apps' catalogues, listed here so that they win over those of Django's own apps, which come
# first in INSTALLED_APPS (Django's Indonesian calls "Enabled" "Diadakan"; ours says "Aktif").
LOCALE_PATHS = sorted(BASE_DIR.glob("*/locale"))
PANEL_NAME = os.environ.get("SMMPANEL_NAME", "smmpanel")
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "panel:new_order"
LOGOUT_REDIRECT_URL = "login"
# Sign-up asks to confirm the e-mail address before the first log-in (off by default).
EMAIL_VERIFICATION = _env_flag("SMMPANEL_EMAIL_VERIFICATION")
# Without an SMTP host, e-mails (password reset, verification) are written to the log.
EMAIL_HOST = os.environ.get("SMMPANEL_EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = int(os.environ.get("SMMPANEL_EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("SMMPANEL_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("SMMPANEL_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = EMAIL_PORT == 587
DEFAULT_FROM_EMAIL = os.environ.get("SMMPANEL_EMAIL_FROM", "smmpanel@localhost")
# --- notifications: the outbox, sent by the worker by e-mail and Telegram (README "Notifications")
INSTALLED_APPS += ["smmpanel.notifications"]
# Where operators are told of what needs them (comma-separated; empty: every staff user's e-mail).
OPERATOR_EMAIL = os.environ.get("SMMPANEL_OPERATOR_EMAIL", "")
# The Telegram bot (Bot API): its token, the operators' chat, the bot's username for the customers'
# `/start` link (empty: asked of Telegram), and the API's address (tests point it at a fake).
TELEGRAM_BOT_TOKEN = os.environ.get("SMMPANEL_TELEGRAM_BOT_TOKEN", "")
TELEGRAM_CHAT_ID = os.environ.get("SMMPANEL_TELEGRAM_CHAT_ID", "")
TELEGRAM_BOT_USERNAME = os.environ.get("SMMPANEL_TELEGRAM_BOT_USERNAME", "")
TELEGRAM_API_URL = os.environ.get("SMMPANEL_TELEGRAM_API_URL", "https://api.telegram.org")
# Seconds between two looks at the bot's new messages (customers linking their chat).
TELEGRAM_POLL_SECONDS = float(os.environ.get("SMMPANEL_TELEGRAM_POLL_SECONDS", "5"))
# A message is tried this many times (the delay doubling from 30 s to 1 h), then given up.
NOTIFY_MAX_ATTEMPTS = int(os.environ.get("SMMPANEL_NOTIFY_MAX_ATTEMPTS", "8"))
# Timeout of one send (SMTP, Telegram): well under SMMPANEL_WORKER_LEASE_SECONDS.
NOTIFY_TIMEOUT_SECONDS = float(os.environ.get("SMMPANEL_NOTIFY_TIMEOUT_SECONDS", "20"))
# Operators are told when a provider refused this many orders in a row (0: never).
NOTIFY_PROVIDER_REFUSALS = int(os.environ.get("SMMPANEL_NOTIFY_PROVIDER_REFUSALS", "5"))
# `smmpanel notifications check-worker` says the worker is down after this long without a pass.
WORKER_STALE_SECONDS = float(os.environ.get("SMMPANEL_WORKER_STALE_SECONDS", "300"))
# Cookies: HttpOnly, SameSite=Lax; Secure unless SMMPANEL_SECURE_COOKIES=0 (see above).
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 14 * 24 * 3600
# Payment plug-ins (dotted paths of `smmpanel.payments.gateway.Gateway` classes).
PAYMENT_GATEWAYS = [
    "smmpanel.payments.manual.ManualTransfer",
    "smmpanel.payments.sandbox.SandboxGateway",
    "smmpanel.payments.gateways.cryptomus.CryptomusGateway",
    "smmpanel.payments.gateways.nowpayments.NowPaymentsGateway",
    "smmpanel.payments.gateways.midtrans.MidtransGateway",
    "smmpanel.payments.gateways.stripe.StripeGateway",
    "smmpanel.payments.gateways.xendit.XenditGateway",
    "smmpanel.payments.gateways.tripay.TripayGateway",
    "smmpanel.payments.gateways.sepay.SepayGateway",
    "smmpanel.payments.gateways.casso.CassoGateway",
    "smmpanel.payments.gateways.moota.MootaGateway",
    "smmpanel.payments.gateways.paypal.PayPalGateway",
    "smmpanel.payments.gateways.perfectmoney.PerfectMoneyGateway",
    "smmpanel.payments.gateways.duitku.DuitkuGateway",
    "smmpanel.payments.gateways.vnpay.VnpayGateway",
    "smmpanel.payments.gateways.payos.PayosGateway",
    "smmpanel.payments.gateways.momo.MomoGateway",
    "smmpanel.payments.gateways.payeer.PayeerGateway",
]
# The sandbox gateway creates money from nothing: for tests and demos only.
PAYMENT_SANDBOX = _env_flag("SMMPANEL_PAYMENT_SANDBOX")
PAYMENT_SANDBOX_SECRET = (
    os.environ.get("SMMPANEL_PAYMENT_SANDBOX_SECRET") or f"sandbox:{SECRET_KEY}"
)

# --- Operations: the health check and Prometheus' metrics (smmpanel.monitoring) ----------------
INSTALLED_APPS += ["smmpanel.monitoring"]
# /healthz and /metrics answer before anything else (host names, https redirect, sessions):
# load balancers and Prometheus call the servers directly, by an address of their own.
MIDDLEWARE.insert(0, "smmpanel.monitoring.middleware.OperationsEndpoints")
# /healthz fails when no worker passed over due work for this long (the worker beats at every
# pass and batch): ten ticks, and at least a minute.
WORKER_HEARTBEAT_SECONDS = float(
    os.environ.get("SMMPANEL_WORKER_HEARTBEAT_SECONDS", max(60.0, 10 * WORKER_TICK_SECONDS))
)
# /metrics is served to a request bearing this token (`Authorization: Bearer …`), or coming from
# an address of SMMPANEL_METRICS_ALLOW (CIDRs, comma-separated; unset: loopback only; empty:
# none).
METRICS_TOKEN = os.environ.get("SMMPANEL_METRICS_TOKEN", "").strip()
METRICS_ALLOW = [
    cidr.strip()
    for cidr in os.environ.get("SMMPANEL_METRICS_ALLOW", "127.0.0.0/8,::1/128").split(",")
    if cidr.strip()
]
# `smmpanel worker` serves its own /metrics (its calls to providers) on this port when set, on
# SMMPANEL_WORKER_METRICS_HOST (loopback unless set); the same token and allow-list.
WORKER_METRICS_PORT = int(os.environ.get("SMMPANEL_WORKER_METRICS_PORT") or 0)
WORKER_METRICS_HOST = os.environ.get("SMMPANEL_WORKER_METRICS_HOST", "127.0.0.1")

# --- affiliates: referral links and commissions (the operator may override each) ----------------
INSTALLED_APPS += ["smmpanel.affiliates"]
# Percent of each deposit of a referred customer that their referrer earns.
AFFILIATE_PERCENT = os.environ.get("SMMPANEL_AFFILIATE_PERCENT", "5")
# How long after a visit of /ref/CODE a sign-up still counts for the referrer.
AFFILIATE_COOKIE_DAYS = int(os.environ.get("SMMPANEL_AFFILIATE_COOKIE_DAYS", "30"))
# How long a commission waits (the chargeback window) before it can be paid out.
AFFILIATE_HOLD_DAYS = int(os.environ.get("SMMPANEL_AFFILIATE_HOLD_DAYS", "14"))
# The least a payout may be.
AFFILIATE_MIN_PAYOUT = os.environ.get("SMMPANEL_AFFILIATE_MIN_PAYOUT", "10")
