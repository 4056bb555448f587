"""The period dashboard's completeness table: for each unit, the survey items entered against
those expected and the data-fed items fed against those expected, with the totals — read from
period_inputs, the one owner of "an input is missing" (four queries whatever the number of
units)."""

from dataclasses import dataclass

from scoring.models import AssessmentPeriod

from .inputs import PeriodInputs, UnitInputs, period_inputs

GAPS_NAMED = 6  # missing item codes named in a unit's row; the rest are counted


@dataclass
class CompletenessRow:
    unit: UnitInputs

    @property
    def named_gaps(self) -> list[str]:
        return [gap.item_code for gap in self.unit.missing[:GAPS_NAMED]]

    @property
    def more_gaps(self) -> int:
        return max(0, len(self.unit.missing) - GAPS_NAMED)


@dataclass
class Completeness:
    inputs: PeriodInputs  # every unit: the totals
    rows: list[CompletenessRow]  # the units shown (all, or those still missing something)
    missing_only: bool

    @property
    def expects_any(self) -> bool:
        return bool(self.inputs.survey_expected or self.inputs.data_expected)

    @property
    def units(self) -> int:
        return len(self.inputs.units)

    @property
    def units_missing(self) -> int:
        return sum(1 for unit in self.inputs.units if not unit.complete)


def period_completeness(*, period: AssessmentPeriod, missing_only: bool = False) -> Completeness:
    inputs = period_inputs(period=period)
    rows = [CompletenessRow(unit) for unit in inputs.units if not missing_only or not unit.complete]
    return Completeness(inputs=inputs, rows=rows, missing_only=missing_only)
