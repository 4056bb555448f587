"""Configuration comes from environment variables only, production passes Django's deployment
checks, and the embedded SQLite default serves many users at once."""

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction

from parindex.settings.env import cache_from_url, database_from_url, env_bool, env_list

ROOT = Path(__file__).resolve().parent.parent
PROD_ENV = {
    "DJANGO_SETTINGS_MODULE": "parindex.settings.prod",
    "SECRET_KEY": "k9$2vH!q7Lm@4xZp#8rT&1wYc^5nB*3dF%6gJ)0sA(eU+iO=oP",
    "ALLOWED_HOSTS": "cchc.hoaan.gov.vn",
    "DATABASE_URL": "postgres://parindex:secret@db:5432/parindex",
    "CELERY_BROKER_URL": "redis://redis:6379/0",
    "CACHE_URL": "redis://redis:6379/1",
}


def test_database_urls():
    postgres = database_from_url("postgres://u:p%40ss@db.local:6543/parindex")
    assert (
        postgres["ENGINE"],
        postgres["USER"],
        postgres["PASSWORD"],
        postgres["HOST"],
        postgres["PORT"],
        postgres["NAME"],
    ) == ("django.db.backends.postgresql", "u", "p@ss", "db.local", "6543", "parindex")
    assert database_from_url("sqlite:////tmp/x.sqlite3")["NAME"] == "/tmp/x.sqlite3"
    with pytest.raises(ImproperlyConfigured):
        database_from_url("mysql://x")


def test_cache_urls():
    redis = cache_from_url("redis://:secret@cache.local:6380/2?key_prefix=cchc&timeout=60")
    assert redis == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://:secret@cache.local:6380/2",
        "KEY_PREFIX": "cchc",
        "TIMEOUT": 60,
    }
    assert cache_from_url("rediss://cache.local:6379/0")["LOCATION"].startswith("rediss://")
    memory = cache_from_url("locmem://")
    assert memory["BACKEND"].endswith("LocMemCache") and memory["KEY_PREFIX"] == "parindex"
    assert memory["OPTIONS"]["MAX_ENTRIES"] > 300
    assert cache_from_url("dummy://")["BACKEND"].endswith("DummyCache")
    for bad in ("memcached://x", "redis://x?timeout=soon"):
        with pytest.raises(ImproperlyConfigured):
            cache_from_url(bad)


def test_cache_url_and_its_older_name(monkeypatch):
    """CACHE_URL wins; REDIS_URL still works; neither: the process's memory."""
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    base = {"DJANGO_SETTINGS_MODULE": "parindex.settings.dev"}
    for env, expected in (
        ({"REDIS_URL": "redis://r:6379/1"}, "RedisCache"),
        ({"REDIS_URL": "redis://r:6379/1", "CACHE_URL": "locmem://"}, "LocMemCache"),
        ({}, "LocMemCache"),
    ):
        result = run_manage("shell", "-c", code, env={**base, **env})
        assert result.stdout.strip().endswith(expected), result.stderr


def test_production_refuses_a_cache_in_each_workers_memory():
    result = run_manage("check", env={**PROD_ENV, "CACHE_URL": "locmem://"})
    assert result.returncode != 0 and "CACHE_URL must point at Redis" in result.stderr
    result = run_manage(
        "check", env={**PROD_ENV, "CACHE_URL": "locmem://", "PARINDEX_PUBLIC_CACHE_SECONDS": "0"}
    )
    # The password-reset limits count in the cache too.
    assert result.returncode != 0 and "PARINDEX_PASSWORD_RESET_PER_EMAIL=0" in result.stderr
    without_limits = {
        "PARINDEX_PUBLIC_CACHE_SECONDS": "0",
        "PARINDEX_PASSWORD_RESET_PER_EMAIL": "0",
        "PARINDEX_PASSWORD_RESET_PER_IP": "0",
    }
    result = run_manage("check", env={**PROD_ENV, "CACHE_URL": "locmem://", **without_limits})
    assert result.returncode == 0, result.stderr


def test_env_helpers(monkeypatch):
    monkeypatch.setenv("FLAG", "yes")
    monkeypatch.setenv("HOSTS", "a.gov.vn, b.gov.vn,")
    assert env_bool("FLAG") is True
    assert env_list("HOSTS") == ["a.gov.vn", "b.gov.vn"]
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured):
        env_bool("FLAG")


def run_manage(*args, env):
    # Only what a production host would have: not the test run's own switches.
    leaking = {
        "DATABASE_URL",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "CELERY_BROKER_URL",
        "REDIS_URL",
        "PARINDEX_PUBLIC_CACHE_SECONDS",
    }
    clean = {k: v for k, v in os.environ.items() if k not in PROD_ENV and k not in leaking}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_passes_the_deployment_checks():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PROD_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_secrets_can_come_from_files(tmp_path):
    """Docker/Kubernetes secrets: NAME_FILE names a file whose content (final newline dropped)
    is the value; setting both, or naming a file that cannot be read, stops the start."""
    secret = tmp_path / "secret_key"
    secret.write_text(PROD_ENV["SECRET_KEY"] + "\n", encoding="utf-8")
    database = tmp_path / "database_url"
    database.write_text("postgres://parindex:từ-tệp@db:5432/parindex\n", encoding="utf-8")
    env = {k: v for k, v in PROD_ENV.items() if k not in {"SECRET_KEY", "DATABASE_URL"}}
    env |= {"SECRET_KEY_FILE": str(secret), "DATABASE_URL_FILE": str(database)}
    code = (
        "from django.conf import settings; "
        f"print(settings.SECRET_KEY == {PROD_ENV['SECRET_KEY']!r}, "
        "settings.DATABASES['default']['PASSWORD'])"
    )
    result = run_manage("shell", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == ["True", "từ-tệp"]

    both = run_manage("check", env={**env, "SECRET_KEY": "another"})
    assert both.returncode != 0 and "Set SECRET_KEY or SECRET_KEY_FILE, not both" in both.stderr
    gone = run_manage("check", env={**env, "SECRET_KEY_FILE": str(tmp_path / "missing")})
    assert gone.returncode != 0 and "SECRET_KEY_FILE: cannot read" in gone.stderr


@pytest.mark.parametrize(
    "missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL"]
)
def test_production_refuses_to_start_without_its_essentials(missing):
    env = {k: v for k, v in PROD_ENV.items() if k != missing}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert missing in result.stderr


# ---------------------------------------------------------------- SQLite for many users

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the embedded default's options (PostgreSQL run)"
)


@sqlite_only
@pytest.mark.django_db
def test_sqlite_is_configured_for_a_server():
    """The test database is a file with the options of `make run` (parindex/settings/base.py)."""
    assert not connection.is_in_memory_db()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA synchronous")
        assert cursor.fetchone()[0] == 1  # NORMAL
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == 20_000  # milliseconds
    assert connection.transaction_mode == "IMMEDIATE"


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_sqlite_lets_requests_write_at_the_same_time():
    """What the live server and `make run` do: threads, each with its own connection, that read
    and then write inside a transaction, all at once. With SQLite's default (deferred)
    transactions some would fail at once with "database is locked"; here each waits its turn."""
    from django.contrib.auth.models import Group

    threads, writes, errors = 6, 10, []
    start = threading.Barrier(threads)

    def request(number):
        try:
            start.wait()
            for write in range(writes):
                with transaction.atomic():
                    Group.objects.filter(name__startswith=f"g{number}-").count()
                    Group.objects.create(name=f"g{number}-{write}")
        except Exception as error:  # every failure is the test's result
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=request, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert errors == []
    assert Group.objects.count() == threads * writes
