"""Celery tasks of the units app: the background import jobs (declared in units.import_jobs)."""

from .import_jobs import run_import_job

__all__ = ["run_import_job"]
