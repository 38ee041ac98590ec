"""The one settings module: every value comes from the environment through tracker.env."""

import datetime as dt
import re
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from locations.clock import rehearsal_from_environment
from tracker.env import env_bool, env_choice, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

# "development" runs straight after cloning; "production" refuses to start without its secrets.
ENVIRONMENT = env_str("TRACKER_ENV", "development")
if ENVIRONMENT not in ("development", "production"):
    raise ImproperlyConfigured(f"TRACKER_ENV must be 'development' or 'production', not {ENVIRONMENT!r}")
PRODUCTION = ENVIRONMENT == "production"

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY (or DJANGO_SECRET_KEY_FILE) is required in production")
    SECRET_KEY = "development-only-not-secret"  # noqa: S105

DEBUG = env_bool("DJANGO_DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS is required in production")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # django.contrib.admin, whose default site refuses bad query strings on list pages (tracker/admin_site.py).
    "tracker.apps.TrackerAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    # django.contrib.staticfiles, skipping the npm files the map never loads.
    "tracker.assets.StaticFilesConfig",
    "tracker",
    "locations",
    "django_tasks_db",
    "letters",
    # Last: its lockout messages and admin pages come after the project's own.
    "axes",
]

MIDDLEWARE = [
    # First, so it compresses what every other middleware has written: HTML pages without a CSRF token only.
    "tracker.compression.PageGZipMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After whitenoise: hashed static files need no policy; every page and API answer gets SECURE_CSP.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Before anything reads a request body: a form in a charset Django cannot read is a clear 400, not a 500.
    "tracker.form_bodies.readable_form_charset",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Before CommonMiddleware, whose trailing-slash redirect resolves URLs that need the language active.
    "tracker.languages.UrlLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Outside CSRF's middleware, so it sees the cookie CSRF sets: scoped to /letters/ or /admin/, not the site.
    "tracker.cookies.scoped_csrf_cookie",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Pages hold one of TRACKER_DATABASE_SLOTS while they run, so a hung database never holds every thread;
    # after CSRF's check, so a forged form is refused before it waits for a slot.
    "tracker.bulkhead.DatabaseSlotsMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: answers a locked-out login with the lockout page.
    "axes.middleware.AxesMiddleware",
]

# django-axes first, so a locked-out user or address is refused before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "tracker.urls"
WSGI_APPLICATION = "tracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tracker.languages.language_links",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        # A kept connection is tried (one round trip) before a request reuses it: after the database went away
        # and came back, the first request opens a new one rather than failing on the dead one.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Bulkheads against a slow, locked or vanished database (docs/operations.md, "A night with outages"): a new
    # connection gives up after CONNECT_TIMEOUT seconds, the server ends a statement after STATEMENT_TIMEOUT, a
    # wait for a lock after LOCK_TIMEOUT and a transaction left idle after IDLE_TIMEOUT (0: no limit), and TCP
    # keepalives find a connection whose peer went away while it sat in the pool.
    _postgres_timeouts = {
        "statement_timeout": env_float("DATABASE_STATEMENT_TIMEOUT", 10.0),
        "lock_timeout": env_float("DATABASE_LOCK_TIMEOUT", 3.0),
        "idle_in_transaction_session_timeout": env_float("DATABASE_IDLE_TIMEOUT", 30.0),
    }
    if min(_postgres_timeouts.values()) < 0:
        raise ImproperlyConfigured("DATABASE_STATEMENT_TIMEOUT, _LOCK_TIMEOUT and _IDLE_TIMEOUT must be 0 or more")
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "connect_timeout": env_int("DATABASE_CONNECT_TIMEOUT", 3),
            "options": " ".join(f"-c {name}={round(seconds * 1000)}" for name, seconds in _postgres_timeouts.items()),
            "keepalives": 1,
            "keepalives_idle": 10,
            "keepalives_interval": 5,
            "keepalives_count": 3,
        }
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # scripts/run's server and tasks worker write one file. Write-ahead logging lets readers go on while one
    # writes; an immediate transaction takes the write lock at BEGIN, so two writers queue for it instead of one
    # failing at once with "database is locked" (a deferred one cannot wait when it upgrades a read lock); and
    # the busy timeout (seconds) is how long one waits in that queue.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
# Requests for pages (the letter form, the admin) that may use the database at once per process: half the
# app server's threads (WEB_THREADS), so a hung database always leaves threads free on a pages server
# (tracker/bulkhead.py).
TRACKER_DATABASE_SLOTS = env_int("TRACKER_DATABASE_SLOTS", max(1, env_int("WEB_THREADS", 4) // 2))
if TRACKER_DATABASE_SLOTS < 1:
    raise ImproperlyConfigured("TRACKER_DATABASE_SLOTS must be at least 1")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
# Seconds to wait for Redis to connect or answer: a hung Redis must not hang the letter form with it.
REDIS_TIMEOUT = env_float("REDIS_TIMEOUT", 0.5)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Django 6.1 mailers: SMTP when EMAIL_HOST is set, otherwise mail is printed to the console, decoded.
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": EMAIL_HOST,
                "port": env_int("EMAIL_PORT", 587),
                "username": env_str("EMAIL_HOST_USER") or None,
                "password": env_str("EMAIL_HOST_PASSWORD") or None,
                "use_tls": env_bool("EMAIL_USE_TLS", default=True),
                "timeout": env_int("EMAIL_TIMEOUT", 30),
            },
        }
    }
else:
    # Printed with each text part decoded, so a reply in German or Japanese reads as the child will see it.
    MAILERS = {"default": {"BACKEND": "letters.console_mail.EmailBackend"}}
    # Production printing the children's replies to a log instead of sending them is a mistake, unless said so.
    if PRODUCTION and not env_bool("TRACKER_ALLOW_CONSOLE_EMAIL", default=False):
        raise ImproperlyConfigured(
            "EMAIL_HOST is required in production: without it replies are only printed to the console. "
            "Set TRACKER_ALLOW_CONSOLE_EMAIL=true if that is really what you want."
        )
del EMAIL_HOST
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "santa@localhost")

# Background work (sending the elves' replies) runs through Django's tasks framework, stored in the
# database and run by `manage.py run_worker` (django-tasks-db's worker and the sweep for stranded replies),
# which scripts/run starts beside the web server.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

LANGUAGE_CODE = "en"
# The languages the map and the letter pages are written in (tracker/locale, letters/locale), each at its
# own address (/de/, /ja/letters/write/); / sends a browser to its best match. docs/translations.md.
LANGUAGES = [
    ("en", "English"),
    ("de", "German"),
    ("es", "Spanish"),
    ("fr", "French"),
    ("it", "Italian"),
    ("nl", "Dutch"),
    ("pl", "Polish"),
    ("pt-br", "Brazilian Portuguese"),
    ("ja", "Japanese"),
    ("ar", "Arabic"),
]
# makemessages (scripts/translations) files each string under the first of these that holds its source;
# the project-level templates/ go to the first.
LOCALE_PATHS = [BASE_DIR / "tracker" / "locale", BASE_DIR / "letters" / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where collectstatic puts the hashed files that whitenoise serves (the image collects them at build time).
STATIC_ROOT = Path(env_str("TRACKER_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# The map's npm packages (package.json; scripts/setup-env.sh runs npm ci) are collected and hashed like our own.
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("leaflet", NODE_MODULES / "leaflet" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "tracker.assets.StaticStorage"},
}
WHITENOISE_MAX_AGE = 31536000

SECURE_CONTENT_TYPE_NOSNIFF = True
# Other sites see the origin only, never a path; the tile server (when configured) still gets the Referer its
# usage policy asks for, which Django's default (same-origin) would withhold.
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
if PRODUCTION:
    # The proxy (CDN or load balancer) ends TLS and says so in X-Forwarded-Proto; it must overwrite any
    # value a client sent (docs/operations.md).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("TRACKER_SSL_REDIRECT", default=PRODUCTION)
# HSTS: browsers use only HTTPS for this long (seconds). Production: at least 6 months (Mozilla's web
# security guidelines and the HTTP Observatory ask for that); the default is a year, which preloading needs.
SECURE_HSTS_SECONDS = env_int("TRACKER_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("TRACKER_HSTS_INCLUDE_SUBDOMAINS", default=PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("TRACKER_HSTS_PRELOAD", default=PRODUCTION)
HSTS_MINIMUM_SECONDS = 15768000  # half a year
if PRODUCTION and SECURE_HSTS_SECONDS < HSTS_MINIMUM_SECONDS:
    raise ImproperlyConfigured(
        f"TRACKER_HSTS_SECONDS must be at least {HSTS_MINIMUM_SECONDS} (6 months) in production, "
        f"not {SECURE_HSTS_SECONDS}"
    )

# Request bodies: nothing in the tracker takes a file, and no form needs more than this many bytes.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("TRACKER_MAX_REQUEST_BYTES", 256 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
DATA_UPLOAD_MAX_NUMBER_FILES = 0

# The client's address behind the CDN: how many proxies stand between the internet and Django (0: none,
# REMOTE_ADDR is the client) and the header they write it in (letters/clients.py; the admin login lock uses it too).
TRACKER_TRUSTED_PROXIES = env_int("TRACKER_TRUSTED_PROXIES", 0)
TRACKER_CLIENT_IP_HEADER = env_str("TRACKER_CLIENT_IP_HEADER", "X-Forwarded-For")
if TRACKER_TRUSTED_PROXIES < 0 or not re.fullmatch(r"[A-Za-z0-9-]+", TRACKER_CLIENT_IP_HEADER):
    raise ImproperlyConfigured(
        "TRACKER_TRUSTED_PROXIES must be 0 or more and TRACKER_CLIENT_IP_HEADER a header name like X-Forwarded-For"
    )
TRACKER_CLIENT_IP_META = "HTTP_" + TRACKER_CLIENT_IP_HEADER.upper().replace("-", "_")

# The admin door (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one username, or from one client
# address, logins are refused for LOGIN_LOCKOUT_MINUTES (0: until an admin unlocks them under Axes).
AXES_FAILURE_LIMIT = env_int("TRACKER_LOGIN_FAILURE_LIMIT", 5)
_lockout_minutes = env_int("TRACKER_LOGIN_LOCKOUT_MINUTES", 60)
AXES_COOLOFF_TIME = dt.timedelta(minutes=_lockout_minutes) if _lockout_minutes else None
if AXES_FAILURE_LIMIT < 1 or _lockout_minutes < 0:
    raise ImproperlyConfigured("TRACKER_LOGIN_FAILURE_LIMIT must be 1 or more, TRACKER_LOGIN_LOCKOUT_MINUTES 0 or more")
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "letters.clients.client_ip"
AXES_LOCKOUT_CALLABLE = "tracker.admin_door.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # its start-up banner would print before every management command's output

# Every log line carries its time (UTC, ISO 8601), level and logger; LOG_FORMAT=json writes one JSON object a
# line for a log collector (python-json-logger), with the same fields.
LOG_FORMAT = env_choice("LOG_FORMAT", ("text", "json"), "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"()": "tracker.logs.UtcFormatter", "format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "tracker.logs.UtcJsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# Error reports (unhandled exceptions and ERROR log lines) go to Sentry, or a service that speaks its protocol,
# only when SENTRY_DSN is set. No request bodies, cookies or addresses are sent: letters are children's words.
SENTRY_DSN = env_str("SENTRY_DSN")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env_str("SENTRY_ENVIRONMENT", ENVIRONMENT),
        send_default_pii=False,
        max_request_body_size="never",
        traces_sample_rate=0,
    )

# --- The route -------------------------------------------------------------
# The organisers' Google Sheet: its key or URL. Blank means the sample route in data/.
TRACKER_ROUTE_SHEET = env_str("TRACKER_ROUTE_SHEET")
# The worksheet (tab) holding the route; blank means the first one.
TRACKER_ROUTE_WORKSHEET = env_str("TRACKER_ROUTE_WORKSHEET")
# A service-account JSON file; blank means Application Default Credentials.
TRACKER_SHEETS_CREDENTIALS_FILE = env_str("TRACKER_SHEETS_CREDENTIALS_FILE")
TRACKER_SHEETS_TIMEOUT = env_float("TRACKER_SHEETS_TIMEOUT", 20.0)
# Retries after a failure that may pass (429, 5xx, timeout, dropped connection), waiting BACKOFF, 2x, 4x... seconds.
TRACKER_SHEETS_RETRIES = env_int("TRACKER_SHEETS_RETRIES", 3)
TRACKER_SHEETS_BACKOFF = env_float("TRACKER_SHEETS_BACKOFF", 1.0)
if TRACKER_SHEETS_RETRIES < 0 or TRACKER_SHEETS_BACKOFF < 0 or TRACKER_SHEETS_TIMEOUT <= 0:
    raise ImproperlyConfigured("TRACKER_SHEETS_RETRIES and _BACKOFF must be 0 or more, TRACKER_SHEETS_TIMEOUT above 0")
TRACKER_SAMPLE_ROUTE = BASE_DIR / "data" / "sample-route.csv"


def _night(value: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ImproperlyConfigured(f"TRACKER_ROUTE_NIGHT must be a date like 2026-12-24, not {value!r}") from None


# The night the route flies (default: 24 December of the earliest arrival's year, UTC).
TRACKER_ROUTE_NIGHT = _night(env_str("TRACKER_ROUTE_NIGHT"))
# Latest local arrival, counted from the midnight that starts the night; 24:00-35:59 reach the next morning.
TRACKER_ROUTE_DEADLINE = env_str("TRACKER_ROUTE_DEADLINE", "22:00")

# --- The route clock ---------------------------------------------------------
# Real time unless a rehearsal is configured: route time START at wall time ANCHOR, SPEED route s per wall s.
_clock_speed = env_str("TRACKER_CLOCK_SPEED")
TRACKER_CLOCK = rehearsal_from_environment(
    env_str("TRACKER_CLOCK_START"),
    env_str("TRACKER_CLOCK_ANCHOR"),
    env_float("TRACKER_CLOCK_SPEED", 1.0) if _clock_speed else None,
)
# The longest a viewer or CDN may cache /api/v1/now, so an organiser's fix reaches everyone within it.
TRACKER_CACHE_CAP = env_int("TRACKER_CACHE_CAP", 60)
# Seconds the background "which revision is live" check may wait on the database before the outage is
# logged; viewers never wait on it (locations/live.py serves the revision it holds).
TRACKER_LIVE_CHECK_TIMEOUT = env_float("TRACKER_LIVE_CHECK_TIMEOUT", 2.0)
# The long-running commands (sync_route --every, fetch_letters --every, run_worker) wait this long after the
# first failed try in an outage of the database, Redis or a mail server, twice as long after each next one, up
# to the longest (lib/every.py Backoff).
OUTAGE_RETRY_FIRST_SECONDS = env_float("OUTAGE_RETRY_FIRST_SECONDS", 1.0)
OUTAGE_RETRY_LONGEST_SECONDS = env_float("OUTAGE_RETRY_LONGEST_SECONDS", 60.0)
if not 0 < OUTAGE_RETRY_FIRST_SECONDS <= OUTAGE_RETRY_LONGEST_SECONDS:
    raise ImproperlyConfigured("OUTAGE_RETRY_FIRST_SECONDS must be above 0 and at most OUTAGE_RETRY_LONGEST_SECONDS")

# --- The map ---------------------------------------------------------------------
# Real map tiles (an https URL template such as https://tile.openstreetmap.org/{z}/{x}/{y}.png) and the
# attribution their licence asks for; blank means the offline basemap of Natural Earth country shapes.
TRACKER_TILE_URL = env_str("TRACKER_TILE_URL")
TRACKER_TILE_ATTRIBUTION = env_str("TRACKER_TILE_ATTRIBUTION")


def _tile_origin(tile_url: str) -> list[str]:
    if not tile_url:
        return []
    parts = urlsplit(tile_url)
    host = parts.netloc.replace("{s}", "*")
    if parts.scheme != "https" or not host or "{" in host or "@" in host:
        raise ImproperlyConfigured(
            f"TRACKER_TILE_URL must be an https URL template like https://tile.example.org/{{z}}/{{x}}/{{y}}.png, "
            f"not {tile_url!r}"
        )
    if not TRACKER_TILE_ATTRIBUTION:
        raise ImproperlyConfigured("TRACKER_TILE_ATTRIBUTION is required with TRACKER_TILE_URL: tiles need credit")
    return [f"https://{host}"]


# Django's Content Security Policy for every page: no inline script or style anywhere, the map's own files,
# its API and, when configured, the tile server's images.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *_tile_origin(TRACKER_TILE_URL)],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# --- Letters to Santa ----------------------------------------------------------
# Replies go out as "<persona name>" <LETTERS_FROM_EMAIL>.
LETTERS_FROM_EMAIL = env_str("LETTERS_FROM_EMAIL", DEFAULT_FROM_EMAIL)
# Santa's other addresses (aliases, a persona's own address): mail from them is never a letter, and no reply
# goes to them. DEFAULT_FROM_EMAIL, LETTERS_FROM_EMAIL and SERVER_EMAIL count without being listed.
LETTERS_OWN_ADDRESSES = env_list("LETTERS_OWN_ADDRESSES", [])
# A reply the mail server refuses is tried again RETRIES times, waiting BACKOFF seconds, then 2x, 4x...
LETTERS_SEND_RETRIES = env_int("LETTERS_SEND_RETRIES", 6)
LETTERS_SEND_BACKOFF = env_float("LETTERS_SEND_BACKOFF", 30.0)
# A worker has LEASE seconds to hand a reply to the mail server (keep it well above EMAIL_TIMEOUT: each SMTP
# step may take that long); a reply still unsent after its lease was stranded by a dead worker, and the sweep,
# run by `manage.py run_worker` at start and every SWEEP_INTERVAL seconds, queues it again.
LETTERS_SEND_LEASE = env_float("LETTERS_SEND_LEASE", 600.0)
LETTERS_SWEEP_INTERVAL = env_float("LETTERS_SWEEP_INTERVAL", 60.0)
# run_worker writes its heartbeat to the cache this often; /readyz calls it late after three missed beats.
WORKER_HEARTBEAT_SECONDS = env_float("WORKER_HEARTBEAT_SECONDS", 10.0)
if LETTERS_SEND_LEASE <= 0 or LETTERS_SWEEP_INTERVAL <= 0:
    raise ImproperlyConfigured("LETTERS_SEND_LEASE and LETTERS_SWEEP_INTERVAL must be above 0")
# The public form: at most RATE_LIMIT letters per mailbox (a household with several children) in RATE_WINDOW
# seconds, and RATE_LIMIT_PER_IP per client address in RATE_WINDOW_PER_IP, counted in the shared cache (Redis in
# production; letters/rate_limit.py).
LETTERS_RATE_LIMIT = env_int("LETTERS_RATE_LIMIT", 10)
LETTERS_RATE_WINDOW = env_int("LETTERS_RATE_WINDOW", 86400)
LETTERS_RATE_LIMIT_PER_IP = env_int("LETTERS_RATE_LIMIT_PER_IP", 60)
LETTERS_RATE_WINDOW_PER_IP = env_int("LETTERS_RATE_WINDOW_PER_IP", 3600)
# Emailed letters larger than this (bytes, whole message) are refused.
LETTERS_MAX_EMAIL_BYTES = env_int("LETTERS_MAX_EMAIL_BYTES", 10 * 1024 * 1024)
# Parsing bounds on untrusted mail (letters/mail_parser.py): a message past one is quarantined unread.
LETTERS_MAX_EMAIL_HEADERS = env_int("LETTERS_MAX_EMAIL_HEADERS", 200)
LETTERS_MAX_EMAIL_HEADER_BYTES = env_int("LETTERS_MAX_EMAIL_HEADER_BYTES", 32 * 1024)
LETTERS_MAX_EMAIL_ENCODED_WORDS = env_int("LETTERS_MAX_EMAIL_ENCODED_WORDS", 100)
LETTERS_MAX_EMAIL_DEPTH = env_int("LETTERS_MAX_EMAIL_DEPTH", 20)
LETTERS_MAX_EMAIL_PARTS = env_int("LETTERS_MAX_EMAIL_PARTS", 500)
# fetch_letters: imaps://host[:port]/MAILBOX (imap:// only for a server on this machine) and its login.
LETTERS_IMAP_URL = env_str("LETTERS_IMAP_URL")
LETTERS_IMAP_USER = env_str("LETTERS_IMAP_USER")
LETTERS_IMAP_PASSWORD = env_str("LETTERS_IMAP_PASSWORD")
# A CA bundle to trust for a mail server with a private certificate; blank means the system's CAs.
LETTERS_IMAP_CA_FILE = env_str("LETTERS_IMAP_CA_FILE")
LETTERS_IMAP_TIMEOUT = env_float("LETTERS_IMAP_TIMEOUT", 30.0)
if min(LETTERS_SEND_RETRIES, LETTERS_RATE_LIMIT, LETTERS_RATE_LIMIT_PER_IP) < 0 or LETTERS_SEND_BACKOFF < 0:
    raise ImproperlyConfigured("LETTERS_SEND_RETRIES, _BACKOFF and LETTERS_RATE_LIMIT* must be 0 or more")
if min(LETTERS_MAX_EMAIL_HEADERS, LETTERS_MAX_EMAIL_HEADER_BYTES, LETTERS_MAX_EMAIL_ENCODED_WORDS) <= 0:
    raise ImproperlyConfigured("LETTERS_MAX_EMAIL_HEADERS, _HEADER_BYTES and _ENCODED_WORDS must be above 0")
if LETTERS_MAX_EMAIL_DEPTH <= 0 or LETTERS_MAX_EMAIL_PARTS <= 0:
    raise ImproperlyConfigured("LETTERS_MAX_EMAIL_DEPTH and LETTERS_MAX_EMAIL_PARTS must be above 0")
if (
    min(LETTERS_RATE_WINDOW, LETTERS_RATE_WINDOW_PER_IP) <= 0
    or LETTERS_MAX_EMAIL_BYTES <= 0
    or LETTERS_IMAP_TIMEOUT <= 0
):
    raise ImproperlyConfigured("LETTERS_RATE_WINDOW*, LETTERS_MAX_EMAIL_BYTES and LETTERS_IMAP_TIMEOUT must be above 0")
