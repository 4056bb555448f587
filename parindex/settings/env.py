"""Read settings from environment variables, the only configuration channel in production.

Every variable may instead name a file with `NAME_FILE` (Docker/Kubernetes secrets): the file's
content, without its final newline, is the value. Setting both is refused."""

import os
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from django.core.exceptions import ImproperlyConfigured

from parindex.parsing import yes_no_word


def environ_value(name: str) -> str | None:
    """The variable's value, read from the file `NAME_FILE` names when that is set."""
    value = os.environ.get(name)
    path = os.environ.get(f"{name}_FILE")
    if not path:
        return value
    if value not in (None, ""):
        raise ImproperlyConfigured(f"Set {name} or {name}_FILE, not both.")
    try:
        return Path(path).read_text(encoding="utf-8").rstrip("\r\n")
    except OSError as exc:
        raise ImproperlyConfigured(f"{name}_FILE: cannot read {path}: {exc.strerror}.") from exc


def env_str(name: str, default: str | None = None, *, required: bool = False) -> str | None:
    value = environ_value(name)
    if value is None or value == "":
        if required:
            raise ImproperlyConfigured(f"Environment variable {name} is required.")
        return default
    return value


def env_bool(name: str, default: bool = False) -> bool:
    value = environ_value(name)
    if value is None:
        return default
    answer = yes_no_word(value)
    if answer is not None:
        return answer
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = environ_value(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}.") from exc


def env_secret(name: str, default: str | None = None, *, required: bool = False) -> str | None:
    """NAME, or the contents of the file NAME_FILE names (a docker or Kubernetes secret), so that
    a password need not sit in the environment; the file's trailing newline is dropped."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            with open(path, encoding="utf-8") as handle:
                return handle.read().rstrip("\r\n")
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {path!r} ({exc}).") from exc
    return env_str(name, default, required=required)


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = environ_value(name)
    if value is None:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def database_from_url(url: str) -> dict:
    """DATABASE_URL (postgres://user:pass@host:port/name or sqlite:///path) as a DATABASES entry."""
    parts = urlsplit(url)
    options = dict(parse_qsl(parts.query))
    if parts.scheme == "sqlite":
        # sqlite:///relative.db and sqlite:////absolute/path.db, as in dj-database-url.
        path = unquote(parts.path)[1:]
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": path or ":memory:",
            "OPTIONS": options,
        }
    if parts.scheme in {"postgres", "postgresql", "pgsql"}:
        conn_max_age = int(options.pop("conn_max_age", 60))
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": conn_max_age,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
        }
    raise ImproperlyConfigured(f"Unsupported DATABASE_URL scheme: {parts.scheme!r}")


CACHE_BACKENDS = {
    "redis": "django.core.cache.backends.redis.RedisCache",
    "rediss": "django.core.cache.backends.redis.RedisCache",
    "unix": "django.core.cache.backends.redis.RedisCache",
    "locmem": "django.core.cache.backends.locmem.LocMemCache",
    "dummy": "django.core.cache.backends.dummy.DummyCache",
}


def cache_from_url(url: str) -> dict:
    """CACHE_URL as a CACHES entry: redis://host:6379/1 (rediss://, unix:///path.sock?db=1),
    locmem:// (this process only) or dummy:// (keeps nothing). `?key_prefix=` and `?timeout=`
    (seconds) set Django's KEY_PREFIX and TIMEOUT; other query options go to Redis."""
    parts = urlsplit(url)
    backend = CACHE_BACKENDS.get(parts.scheme)
    if backend is None:
        raise ImproperlyConfigured(f"Unsupported CACHE_URL scheme: {parts.scheme!r}")
    options = dict(parse_qsl(parts.query))
    entry = {"BACKEND": backend, "KEY_PREFIX": options.pop("key_prefix", "parindex")}
    if "timeout" in options:
        try:
            entry["TIMEOUT"] = int(options.pop("timeout"))
        except ValueError as exc:
            raise ImproperlyConfigured("CACHE_URL: timeout must be a number of seconds.") from exc
    if backend.endswith("RedisCache"):
        entry["LOCATION"] = parts._replace(query=urlencode(options)).geturl()
    elif parts.scheme == "locmem":
        entry["LOCATION"] = parts.netloc or "parindex"
        # Django's default of 300 entries would cull the province's unit pages at once.
        entry["OPTIONS"] = {"MAX_ENTRIES": 2000}
    return entry


def default_storage_from_env() -> dict:
    """The STORAGES "default" entry: where evidence, improvement files and built reports are kept.
    STORAGE_BACKEND=local (the default): files under MEDIA_ROOT. STORAGE_BACKEND=s3: an
    S3-compatible bucket (MinIO, a cloud's object store) that every web replica and worker shares;
    objects private, read only through the views that stream them after a permission check."""
    backend = (env_str("STORAGE_BACKEND", "local") or "local").lower()
    if backend in {"local", "filesystem"}:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if backend != "s3":
        raise ImproperlyConfigured(f"STORAGE_BACKEND must be local or s3, not {backend!r}.")
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("S3_BUCKET", required=True),
            "endpoint_url": env_str("S3_ENDPOINT_URL"),  # MinIO: http://minio:9000
            "region_name": env_str("S3_REGION"),
            "access_key": env_secret("S3_ACCESS_KEY_ID"),
            "secret_key": env_secret("S3_SECRET_ACCESS_KEY"),
            # MinIO and most on-premises stores want path-style addresses (no bucket DNS name).
            "addressing_style": env_str("S3_ADDRESSING_STYLE", "path"),
            "signature_version": "s3v4",
            "location": env_str("S3_PREFIX", ""),
            "default_acl": "private",
            # Never a public address: a URL, if anything asks for one, is signed and short-lived.
            "querystring_auth": True,
            "querystring_expire": 300,
            # As on local disk: a second file of the same name gets a new name, never replaces.
            "file_overwrite": False,
        },
    }
