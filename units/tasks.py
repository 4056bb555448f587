"""Celery tasks of the units app: the background import jobs (declared in units.import_jobs;
units.imports registers the units and ranking-group kinds the worker runs)."""

from . import imports  # noqa: F401  registers the import kinds
from .import_jobs import run_import_job

__all__ = ["run_import_job"]
