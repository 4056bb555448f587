#!/usr/bin/env python
"""Backup and restore of the demo province, timed and checked (not a test: figures to read).

Loads the demo (load_demo) into a scratch SQLite database, then for each year: backup_period,
restore_period into a freshly migrated instance (DATABASE_URL: SQLite by default, or
PostgreSQL), backup_period again from there, and compares both archives row by row (every
field of every row) and file by file (SHA-256). Prints the times (wall, and the command's CPU
time, steadier on a shared machine) and the archive's size, and beside the restore its raw
limit: the same database's rows, dumped as SQL after the restore and loaded into an empty copy
of its schema in one transaction (`pg_dump --data-only` | `psql -1`, COPY; on SQLite the dump's
INSERTs in one transaction): what inserting those rows costs with no checking, deserialising
or files.

    .venv/bin/python scripts/bench_backup.py
    BACKUP_SOURCE=sqlite:////tmp/demo.sqlite3 BACKUP_SOURCE_MEDIA=/tmp/media \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parindex_bench_backup \\
        .venv/bin/python scripts/bench_backup.py

The database named by DATABASE_URL is dropped and created again: never point it at real data.
"""

import json
import os
import resource
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

import psycopg

ROOT = Path(__file__).resolve().parent.parent
WORK = Path(tempfile.mkdtemp(prefix="parindex-bench-backup-"))
# BACKUP_SOURCE=sqlite:///… (with BACKUP_SOURCE_MEDIA): a demo already loaded, not rebuilt.
SOURCE = os.environ.get("BACKUP_SOURCE", f"sqlite:///{WORK / 'source.sqlite3'}")
SOURCE_MEDIA = Path(os.environ.get("BACKUP_SOURCE_MEDIA", str(WORK / "source-media")))
TARGET = os.environ.get("DATABASE_URL", f"sqlite:///{WORK / 'target.sqlite3'}")
ORGANISER = "snv-hoa-an"
YEARS = (2024, 2025, 2026)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def manage(url: str, media: Path, *args: str) -> float:
    return manage_timed(url, media, *args)[0]


def manage_timed(url: str, media: Path, *args: str) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of the command."""
    env = {**os.environ, "DATABASE_URL": url, "MEDIA_ROOT": str(media), "DEBUG": "0"}
    env.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings.dev")
    cpu, start = children_cpu(), time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True
    )
    return time.perf_counter() - start, children_cpu() - cpu


def fresh(url: str, media: Path) -> None:
    """An instance as `migrate` leaves it."""
    parts = urlparse(url)
    if parts.scheme == "sqlite":
        Path(parts.path).unlink(missing_ok=True)
    else:
        name = parts.path.lstrip("/")
        admin = parts._replace(path="/postgres").geturl()
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{name}"')
    manage(url, media, "migrate", "-v0")


def raw_limit(url: str) -> tuple[float, int]:
    """Seconds to load every row of the database at `url` into an empty copy of its schema,
    in one transaction, from a plain SQL dump; and how many rows that is (the period's rows
    and those `migrate` writes: content types, permissions, unit kinds, migrations)."""
    parts = urlparse(url)
    if parts.scheme == "sqlite":
        source = sqlite3.connect(parts.path)
        schema = [
            sql
            for (sql,) in source.execute(
                "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'"
            )
        ]
        inserts = [line for line in source.iterdump() if line.startswith("INSERT INTO")]
        source.close()
        empty = WORK / "raw.sqlite3"
        empty.unlink(missing_ok=True)
        target = sqlite3.connect(empty, isolation_level=None)
        for sql in schema:
            target.execute(sql)
        start = time.perf_counter()
        target.execute("BEGIN")
        for sql in inserts:
            target.execute(sql)
        target.execute("COMMIT")
        seconds = time.perf_counter() - start
        target.close()
        return seconds, len(inserts)
    name = parts.path.lstrip("/")
    raw = f"{name}_raw"
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{raw}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{raw}"')
    raw_url = parts._replace(path=f"/{raw}").geturl()
    schema = subprocess.run(
        ["pg_dump", "--schema-only", url], check=True, capture_output=True
    ).stdout
    subprocess.run(["psql", "-q", "-X", raw_url], input=schema, check=True, capture_output=True)
    data = WORK / "raw-data.sql"
    with data.open("wb") as out:
        subprocess.run(
            ["pg_dump", "--data-only", url], check=True, stdout=out, stderr=subprocess.DEVNULL
        )
    start = time.perf_counter()
    subprocess.run(
        ["psql", "-q", "-X", "-1", "-v", "ON_ERROR_STOP=1", "-f", str(data), raw_url],
        check=True,
        capture_output=True,
    )
    seconds = time.perf_counter() - start
    with psycopg.connect(raw_url) as connection:
        tables = [
            table
            for (table,) in connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            )
        ]
        rows = sum(
            connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables
        )
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{raw}" WITH (FORCE)')
    return seconds, rows


def contents(path: Path) -> tuple[dict, dict]:
    """Rows (parsed) per model and SHA-256 per file of an archive."""
    with tarfile.open(path) as archive:
        manifest = json.load(archive.extractfile("manifest.json"))
        rows = {
            name: json.load(archive.extractfile(name))
            for name in manifest["members"]
            if name.startswith("rows/")
        }
    files = {n: m["sha256"] for n, m in manifest["members"].items() if n.startswith("files/")}
    return rows, files


def main() -> None:
    source_media = SOURCE_MEDIA
    if "BACKUP_SOURCE" not in os.environ:
        fresh(SOURCE, source_media)
        print(f"load_demo: {manage(SOURCE, source_media, 'load_demo'):.1f} s", flush=True)
    target_kind = urlparse(TARGET).scheme
    for year in YEARS:
        first, second = WORK / f"{year}.tar", WORK / f"{year}-again.tar"
        out = ("--organiser", ORGANISER, "--year", str(year), "--output")
        backup = manage(SOURCE, source_media, "backup_period", *out, str(first))
        media = WORK / f"target-media-{year}"
        fresh(TARGET, media)
        restore, restore_cpu = manage_timed(TARGET, media, "restore_period", str(first))
        limit, limit_rows = raw_limit(TARGET)
        manage(TARGET, media, "backup_period", *out, str(second))
        same = contents(first) == contents(second)
        rows, files = contents(first)
        print(
            f"{year}: backup {backup:.1f} s, restore into {target_kind} {restore:.1f} s "
            f"({restore_cpu:.1f} s CPU; raw limit {limit:.2f} s for {limit_rows} rows), "
            f"{sum(len(r) for r in rows.values())} rows, {len(files)} files, "
            f"archive {first.stat().st_size / 1e6:.1f} MB; "
            f"restored = original: {'yes' if same else 'NO'}",
            flush=True,
        )


if __name__ == "__main__":
    main()
