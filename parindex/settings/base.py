"""Settings shared by every environment. Everything that differs between machines comes from
environment variables (see README, "Configuration"); dev/test/prod only change defaults."""

from datetime import timedelta
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from .env import (
    cache_from_url,
    database_from_url,
    default_storage_from_env,
    env_bool,
    env_int,
    env_list,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("PARINDEX_VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "import_export",
    "axes",  # login lockout (the "Sign-in and accounts" block below)
    "django_otp",
    "django_otp.plugins.otp_totp",
    "ninja",  # the open-data API's docs page: its Swagger UI files served from here, not a CDN
    "units",
    "scoring",
    "reports",
]

MIDDLEWARE = [
    # First: an oversized body is refused from its Content-Length before anything reads it.
    "parindex.limits.RequestBodyLimit",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Answers to a signed-in user: `private, no-store` unless the view cached them itself.
    "parindex.limits.PrivateNoStore",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Idle and absolute session age; after messages, which says why the login page is back.
    "parindex.session_expiry.SessionExpiryMiddleware",
    # Council and Home Affairs accounts confirm a TOTP code before any page (a setting).
    "units.second_factor.SecondFactorMiddleware",
    # After authentication, so the refusal page shows the signed-in header like any other.
    "parindex.middleware.RefuseControlCharactersInQuery",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a lockout flagged by the authentication backend into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "parindex.urls"
WSGI_APPLICATION = "parindex.wsgi.application"

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
                "units.context_processors.portal",
                "scoring.context_processors.navigation",
            ],
        },
    },
]

# Embedded default: one SQLite file, no server needed. Production sets DATABASE_URL=postgres://...
DATABASES = {
    "default": database_from_url(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'parindex.sqlite3'}")
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # SQLite for a server of many users: several requests (and an eager Celery task) write at
    # once. WAL lets readers go on while one writes; a writer waits for the lock up to the busy
    # timeout (seconds) instead of failing; IMMEDIATE takes the write lock when a transaction
    # begins, so two transactions that read and then write cannot both wait on each other
    # (SQLite fails one of them at once: "database is locked"). With WAL, synchronous=NORMAL
    # stays safe after a crash and spares a disk sync at every commit.
    sqlite_options = DATABASES["default"]["OPTIONS"]
    sqlite_options["timeout"] = float(sqlite_options.get("timeout", 20))
    sqlite_options.setdefault("transaction_mode", "IMMEDIATE")
    sqlite_options.setdefault("init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "units.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # Django's similarity check lets "Nguyễn Văn An" through as a password for Nguyễn Văn An.
    {"NAME": "parindex.passwords.PersonalDataValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# ---------------------------------------------------------------- sign-in and accounts
# Lockout (django-axes): after PARINDEX_LOCKOUT_FAILURES wrong passwords for one username from
# one address, that pair is refused for PARINDEX_LOCKOUT_MINUTES (portal and /admin/ alike);
# Home Affairs unlocks its organiser's accounts sooner (Set-up → Locked accounts). The pair,
# not the username alone, so that a stranger cannot lock an officer out from elsewhere; the
# address is the client's as the proxy saw it (parindex.client_ip, PARINDEX_PROXY_COUNT).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env_bool("PARINDEX_LOCKOUT", True)
AXES_FAILURE_LIMIT = env_int("PARINDEX_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("PARINDEX_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "parindex.client_ip.client_ip"
AXES_USERNAME_CALLABLE = "parindex.client_ip.client_username"
AXES_LOCKOUT_CALLABLE = "parindex.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# axes stores a failed attempt's POST: the change-password form's fields are masked as the
# sign-in page's "password" is (a wrong old password counts as a failed sign-in).
AXES_SENSITIVE_PARAMETERS = [
    "username",
    "ip_address",
    "old_password",
    "new_password1",
    "new_password2",
]
# "Forgot password?" sends at most this many mails an hour to one account (however its address
# is spelt: counted per account, not per typed address), and answers at most
# this many requests an hour from one client address (0: no limit); past either it says the
# same "if the address has an account, a link was sent" and sends nothing
# (parindex.auth_throttle). Counted in the cache, which production shares through Redis.
PARINDEX_PASSWORD_RESET_PER_EMAIL = env_int("PARINDEX_PASSWORD_RESET_PER_EMAIL", 3)
PARINDEX_PASSWORD_RESET_PER_IP = env_int("PARINDEX_PASSWORD_RESET_PER_IP", 20)
# How many proxies in front of gunicorn append to X-Forwarded-For (0: none, REMOTE_ADDR is the
# client). docker-compose behind nginx: 1.
PARINDEX_PROXY_COUNT = env_int("PARINDEX_PROXY_COUNT", 0)
# Whom a locked-out person calls: shown on the lockout page.
PARINDEX_ACCOUNTS_CONTACT = env_str(
    "PARINDEX_ACCOUNTS_CONTACT", _("the Home Affairs officer who manages your unit's accounts")
)

# Second factor (django-otp, TOTP): the roles that must confirm a code from an authenticator
# app after their password, comma-separated role names (council_chair, home_affairs,
# appraiser, unit_staff, system_admin). Empty in dev and the demo; prod's example sets it.
PARINDEX_OTP_REQUIRED_FOR_ROLES = env_list("PARINDEX_OTP_REQUIRED_FOR_ROLES", [])
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "parindex")

# Sessions: at most PARINDEX_SESSION_HOURS after signing in, and PARINDEX_SESSION_IDLE_MINUTES
# without a request (parindex.session_expiry); the cookie is for the portal's own pages only.
PARINDEX_SESSION_HOURS = env_int("PARINDEX_SESSION_HOURS", 10)
PARINDEX_SESSION_IDLE_MINUTES = env_int("PARINDEX_SESSION_IDLE_MINUTES", 30)
SESSION_COOKIE_AGE = PARINDEX_SESSION_HOURS * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Content Security Policy (django-csp 4) on every page: scripts, styles and images from the
# portal itself only, never inline; no plug-ins, no framing, forms post only here.
# PARINDEX_CSP_REPORT_ONLY=1 sends it as Content-Security-Policy-Report-Only (browsers report,
# nothing is blocked) to try a change first.
_CSP_DIRECTIVES = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
if env_bool("PARINDEX_CSP_REPORT_ONLY", False):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": _CSP_DIRECTIVES}
else:
    CONTENT_SECURITY_POLICY = {"DIRECTIVES": _CSP_DIRECTIVES}

# Vietnamese first: the interface is translated from English msgids in locale/vi.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Django's own `vi` formats lack dd/mm/yyyy input; ours live in parindex/formats/vi.
FORMAT_MODULE_PATH = ["parindex.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]

# Uploaded evidence and generated reports are private: there is deliberately no URL route for
# MEDIA_URL; files are streamed by views after a permission check. They live under MEDIA_ROOT,
# or in an S3-compatible bucket with STORAGE_BACKEND=s3 (S3_BUCKET, S3_ENDPOINT_URL, S3_REGION,
# S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY or their *_FILE): see env.default_storage_from_env.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/private-media/"
STORAGES = {
    "default": default_storage_from_env(),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Upload limits (megabytes). Evidence files are limited per file; imports per workbook.
PARINDEX_EVIDENCE_MAX_MB = env_int("PARINDEX_EVIDENCE_MAX_MB", 20)
PARINDEX_IMPORT_MAX_MB = env_int("PARINDEX_IMPORT_MAX_MB", 10)
# What an imported file may hold, checked before and while it is read (parindex.tabular): the
# largest real file is a scores file of 657 units × 100 items (65 700 rows); importers of small
# files (a self-assessment, an index set, units) narrow the rows further.
PARINDEX_IMPORT_MAX_ROWS = env_int("PARINDEX_IMPORT_MAX_ROWS", 70_000)
PARINDEX_IMPORT_MAX_COLUMNS = env_int("PARINDEX_IMPORT_MAX_COLUMNS", 200)
PARINDEX_IMPORT_MAX_CELLS = env_int("PARINDEX_IMPORT_MAX_CELLS", 1_000_000)
PARINDEX_IMPORT_MAX_SECONDS = env_int("PARINDEX_IMPORT_MAX_SECONDS", 60)
PARINDEX_IMPORT_SMALL_MAX_ROWS = env_int("PARINDEX_IMPORT_SMALL_MAX_ROWS", 5_000)
PARINDEX_IMPORT_UNITS_MAX_ROWS = env_int("PARINDEX_IMPORT_UNITS_MAX_ROWS", 10_000)
# A background import (units.import_jobs) stops after this many seconds of reading or applying.
PARINDEX_IMPORT_TASK_SOFT_TIME_LIMIT = env_int("PARINDEX_IMPORT_TASK_SOFT_TIME_LIMIT", 120)
# A workbook is a zip: refused from its directory before openpyxl inflates anything.
PARINDEX_IMPORT_XLSX_MAX_MEMBERS = env_int("PARINDEX_IMPORT_XLSX_MAX_MEMBERS", 500)
PARINDEX_IMPORT_XLSX_MAX_MEMBER_MB = env_int("PARINDEX_IMPORT_XLSX_MAX_MEMBER_MB", 64)
PARINDEX_IMPORT_XLSX_MAX_TOTAL_MB = env_int("PARINDEX_IMPORT_XLSX_MAX_TOTAL_MB", 128)
PARINDEX_IMPORT_XLSX_MAX_RATIO = env_int("PARINDEX_IMPORT_XLSX_MAX_RATIO", 100)
# openpyxl reads the shared-strings table, styles and the other parts that are not sheets whole
# when it opens a workbook, before the row, cell and time limits apply: their contents are counted
# first (the shared texts may not outnumber PARINDEX_IMPORT_MAX_CELLS; Excel itself caps cell
# formats at 64 000, so a styles part never needs 200 000 elements).
PARINDEX_IMPORT_XLSX_MAX_SHARED_STRINGS_MB = env_int(
    "PARINDEX_IMPORT_XLSX_MAX_SHARED_STRINGS_MB", 32
)
PARINDEX_IMPORT_XLSX_MAX_PART_ELEMENTS = env_int("PARINDEX_IMPORT_XLSX_MAX_PART_ELEMENTS", 200_000)
# The portal's address as users reach it: links in notification e-mails start with it.
PARINDEX_SITE_URL = env_str("PARINDEX_SITE_URL", "http://127.0.0.1:8000")
# How long browsers and shared caches may keep a public answer (the open-data API, the public
# pages) before asking again with its ETag (reports.http_cache).
PARINDEX_PUBLIC_MAX_AGE = env_int("PARINDEX_PUBLIC_MAX_AGE", 300)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000  # an index set page posts ~100 items × several fields

# Uploads and request bodies (issue 16; parindex.limits, scoring.services.evidence).
# - A unit's evidence files of one period together: PARINDEX_EVIDENCE_QUOTA_MB.
# - A request's whole body (several files of one progress report included): refused with 413
#   from its Content-Length before Django reads it (parindex.limits.RequestBodyLimit).
# - Files above FILE_UPLOAD_MAX_MEMORY_SIZE are spooled to a temporary file, not held in memory;
#   form fields other than files may total DATA_UPLOAD_MAX_MEMORY_SIZE.
PARINDEX_EVIDENCE_QUOTA_MB = env_int("PARINDEX_EVIDENCE_QUOTA_MB", 500)
PARINDEX_REQUEST_MAX_MB = env_int(
    "PARINDEX_REQUEST_MAX_MB", max(PARINDEX_EVIDENCE_MAX_MB, PARINDEX_IMPORT_MAX_MB) * 3 + 5
)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# A publication's official documents are rendered once it commits (reports.receivers). Off: they
# are recorded, queued, and not rendered (tests on a live server render the few they read).
REPORTS_RENDER_PUBLISHED_DOCUMENTS = env_bool("REPORTS_RENDER_PUBLISHED_DOCUMENTS", True)
# With tasks run eagerly (no broker), a publication's documents are rendered by this many
# processes at once (reports.services.reports_build_eagerly); a worker pool does it otherwise.
REPORTS_EAGER_PROCESSES = env_int("REPORTS_EAGER_PROCESSES", 1)

# Celery: with no broker configured, tasks run eagerly in the web process (`make run`, tests).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", None)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 300)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 360)
# Recycle worker processes so that a large PDF render does not keep its memory forever.
CELERY_WORKER_MAX_TASKS_PER_CHILD = env_int("CELERY_WORKER_MAX_TASKS_PER_CHILD", 50)
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", 600_000)  # KiB
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# -- Faults (issue 16): a broker that is down, a worker that is killed. --------------------------
# A user's action never waits long on a broker that is down: one quick retry, a short connect
# timeout; parindex.tasks then stops trying for BROKER_DOWN_PAUSE seconds and leaves the work
# pending in the database (an e-mail: Notification.emailed_at empty; a report: failed, to retry).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BROKER_CONNECTION_TIMEOUT = env_int("CELERY_BROKER_CONNECTION_TIMEOUT", 2)
PARINDEX_BROKER_DOWN_PAUSE = env_int("PARINDEX_BROKER_DOWN_PAUSE", 30)
# A worker killed in the middle of a task (acks late): its child lost, the task goes back to the
# queue at once; the whole worker lost (SIGKILL, the machine), Redis hands the unacknowledged
# task to another worker after the visibility timeout, which must outlast the longest task.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int(
        "CELERY_VISIBILITY_TIMEOUT", max(CELERY_TASK_TIME_LIMIT * 2, 600)
    ),
    # kombu 5.7 sweeps for unacknowledged tasks every interval × throttle seconds (10 × 10 by
    # default, and not at start-up): throttle 1 makes it every 10 s and at a worker's start, so
    # a killed worker's task goes to the next worker once the visibility timeout has passed.
    "unacked_restore_interval": env_int("CELERY_UNACKED_RESTORE_INTERVAL", 10),
    "unacked_restore_throttle": env_int("CELERY_UNACKED_RESTORE_THROTTLE", 1),
    "socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
    # A broker gone without closing the connection must not hang a publish for ever.
    "socket_timeout": env_int("CELERY_BROKER_SOCKET_TIMEOUT", 10),
}
# Test-only: seconds each report build sleeps before rendering (a build to kill mid-way).
REPORTS_BUILD_DELAY = env_int("REPORTS_BUILD_DELAY", 0)
CELERY_BEAT_SCHEDULE = {
    # Every minute: a report whose worker is gone fails soon, with a retry button.
    "fail-stale-reports": {"task": "reports.tasks.fail_stale_reports", "schedule": 60.0},
    # E-mails that could not be queued (the broker down) or sent are sent later, once.
    "send-pending-emails": {"task": "scoring.tasks.send_pending_emails", "schedule": 300.0},
    # Hourly: a reminder goes once per user and deadline, so running often only makes it timely.
    "deadline-reminders": {"task": "scoring.tasks.send_deadline_reminders", "schedule": 3600.0},
    # Appraisal opens by itself once a period's self-assessment deadline has passed.
    "open-due-appraisals": {"task": "scoring.tasks.open_due_appraisals", "schedule": 3600.0},
}

# Queues, each with its own worker in docker-compose.yml: a province's report builds (minutes of
# PDF rendering) never hold up a password link, and beat's jobs never wait behind either.
# Everything not named here goes to the default queue, "celery". Workers: `celery -A parindex
# worker -Q reports` (and mail, periodic, celery); one worker may take several (-Q a,b).
PARINDEX_CELERY_QUEUES = ("celery", "reports", "mail", "periodic")
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {
    "reports.tasks.build_report": {"queue": "reports"},
    "scoring.tasks.send_password_link": {"queue": "mail"},
    "scoring.tasks.send_notification_email": {"queue": "mail"},
    # Every job beat starts (CELERY_BEAT_SCHEDULE) runs on the periodic worker.
    **{job["task"]: {"queue": "periodic"} for job in CELERY_BEAT_SCHEDULE.values()},
}

# Django's cache holds the public pages' answers (reports.public_cache). Several processes
# (gunicorn's workers) must share it, so that a publication reaches all of them: Redis in
# production. CACHE_URL names it; REDIS_URL, its older name, still works. Without either, the
# cache lives in the process's memory (`make run`, the tests).
CACHES = {"default": cache_from_url(env_str("CACHE_URL") or env_str("REDIS_URL") or "locmem://")}
# How long a public answer is kept at most (seconds); 0 keeps none. A change to public data
# makes every kept answer stale at once (reports.public_cache), so this only bounds memory.
PARINDEX_PUBLIC_CACHE_SECONDS = env_int("PARINDEX_PUBLIC_CACHE_SECONDS", 3600)

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "parindex <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# django-import-export: imports run inside one transaction so a bad row imports nothing.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint tells every step of every page at INFO: a report would flood the worker log.
    "loggers": {"django.db.backends": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}},
}

PARINDEX_SITE_NAME = env_str("PARINDEX_SITE_NAME", "Chỉ số cải cách hành chính")
