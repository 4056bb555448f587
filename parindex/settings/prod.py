"""Production: PostgreSQL, Redis, Celery workers, gunicorn behind a TLS-terminating proxy.
Every value comes from the environment; missing essentials fail loudly at start-up."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    CACHES,
    CELERY_BROKER_URL,
    DATABASES,
    MIDDLEWARE,
    PARINDEX_PASSWORD_RESET_PER_EMAIL,
    PARINDEX_PASSWORD_RESET_PER_IP,
    PARINDEX_PUBLIC_CACHE_SECONDS,
    STORAGES,
)
from .env import env_bool, env_int, env_list, env_str

DEBUG = False
SECRET_KEY = env_str("SECRET_KEY", required=True)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the portal's host names.")
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL in production.")
if not CELERY_BROKER_URL:
    raise ImproperlyConfigured("CELERY_BROKER_URL must point at Redis in production.")
# A cache in each worker's memory would keep serving last version's results after a
# publication that another worker handled, and would let each worker send its own quota of
# password-reset mails.
_NEEDS_SHARED_CACHE = (
    PARINDEX_PUBLIC_CACHE_SECONDS > 0
    or PARINDEX_PASSWORD_RESET_PER_EMAIL > 0
    or PARINDEX_PASSWORD_RESET_PER_IP > 0
)
if _NEEDS_SHARED_CACHE and not CACHES["default"]["BACKEND"].endswith("RedisCache"):
    raise ImproperlyConfigured(
        "CACHE_URL must point at Redis in production (gunicorn's workers share the public "
        "cache and the password-reset limits), or set PARINDEX_PUBLIC_CACHE_SECONDS=0, "
        "PARINDEX_PASSWORD_RESET_PER_EMAIL=0 and PARINDEX_PASSWORD_RESET_PER_IP=0."
    )

# gunicorn serves the static files itself (compressed, cache-busting names) via WhiteNoise,
# right after SecurityMiddleware as WhiteNoise asks.
_after_security = MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1
MIDDLEWARE = [
    *MIDDLEWARE[:_after_security],
    "whitenoise.middleware.WhiteNoiseMiddleware",
    *MIDDLEWARE[_after_security:],
]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# The proxy terminates TLS and sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
