"""`make test`: the embedded default plus speed-ups. DATABASE_URL switches the suite to PostgreSQL;
CELERY_BROKER_URL lets tests marked `integration` use a real worker (the rest stay eager)."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import CELERY_BROKER_URL, DATABASES
from .env import cache_from_url, env_str

DEBUG = False
SECRET_KEY = "test-only-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", tempfile.mkdtemp(prefix="parindex-test-media-")))
CELERY_TASK_ALWAYS_EAGER = True
# Always this process's memory: the suite clears the cache between tests, which on a Redis
# shared with other runs (or a broker) would wipe theirs.
CACHES = {"default": cache_from_url("locmem://parindex-tests")}
PARINDEX_TEST_BROKER_URL = CELERY_BROKER_URL

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The browser tests' live server answers from other threads, as the real server does: the
    # test database is a file, with base's options (WAL, busy timeout, IMMEDIATE), rather than
    # Django's default shared in-memory database, whose one connection every thread would use at
    # once. One file per test run, so runs side by side never share it.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"parindex-test-{os.getpid()}.sqlite3")
    }
