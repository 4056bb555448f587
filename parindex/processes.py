"""Sharing a batch of work between processes when there is no worker pool (`make run`): each
process is spawned — a fresh interpreter, not a fork of a web process whose threads may hold
locks — and set up as Django is here, on the same database and files.

Nothing here imports the apps: a spawned process loads this module before Django is set up."""

import multiprocessing
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor

import django
from django.conf import settings
from django.db import connection, connections


def run_in_processes(function: Callable, items: Iterable, *, processes: int) -> list:
    """function(item) for each item, in `processes` processes; returns when all are done.
    `function` must be importable by name (a module-level function)."""
    # Named at run time in a test (its database, its media folder or bucket): passed on as they are.
    where = {
        "database": connection.settings_dict["NAME"],
        "media_root": str(settings.MEDIA_ROOT),
        "storages": settings.STORAGES,
    }
    connections.close_all()  # each process opens its own
    with ProcessPoolExecutor(
        processes,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_setup,
        initargs=(where,),
    ) as pool:
        return list(pool.map(function, items))


def _setup(where: dict) -> None:
    django.setup()
    settings.DATABASES["default"]["NAME"] = where["database"]
    settings.MEDIA_ROOT = where["media_root"]
    settings.STORAGES = where["storages"]  # read on first use, after this
