"""Fixtures the report tests share with the scoring tests."""

from tests.reports.open_data_fixtures import open_data  # noqa: F401
from tests.reports.portal_fixtures import portal_province  # noqa: F401
from tests.scoring.conftest import period_with_scores  # noqa: F401  (a fixture, by name)
from tests.scoring.improvement.conftest import improvement_year  # noqa: F401
from tests.scoring.publication_fixtures import moved_period, survey_period  # noqa: F401
