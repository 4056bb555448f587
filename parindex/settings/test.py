"""`make test`: the embedded default plus speed-ups. DATABASE_URL switches the suite to PostgreSQL;
CELERY_BROKER_URL lets tests marked `integration` use a real worker (the rest stay eager)."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import CELERY_BROKER_URL
from .env import env_str

DEBUG = False
SECRET_KEY = "test-only-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", tempfile.mkdtemp(prefix="parindex-test-media-")))
CELERY_TASK_ALWAYS_EAGER = True
PARINDEX_TEST_BROKER_URL = CELERY_BROKER_URL
