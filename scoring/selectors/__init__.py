"""Reads for pages, commands and reports; each owns its query shape."""

from .periods import own_unit_assessments, periods_for_user

__all__ = ["own_unit_assessments", "periods_for_user"]
