"""What the officer must see before publishing: the survey and data items still missing (from
scoring.selectors.inputs, their one owner), the units that never submitted, the units the
council entered nothing for, and every item where the council's value differs from the unit's.

A fixed number of queries whatever the size of the province; the value a stage gives an item
is the engine's rule (scoring.engine.policy), not re-read here."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from scoring.engine.model import Stage
from scoring.engine.policy import (
    SCORE_VALUE_FIELDS,
    not_applicable_at,
    points_at,
    score_entry,
)
from scoring.models import Assessment, AssessmentPeriod, Score
from scoring.selectors.inputs import MissingInput, period_inputs
from scoring.selectors.results import index_set_defs
from scoring.selectors.submission import never_submitted

OVERRIDES_SHOWN = 3  # per unit, on the confirmation page
ZERO = Decimal(0)

# A council value on a score: reviewed in a round, or a value or decision of the council stored
# (a past year's import writes final values without a review time).
COUNCIL_VALUE = (
    Q(appraised_at__isnull=False)
    | Q(final_at__isnull=False)
    | Q(appraisal_points__isnull=False)
    | Q(appraisal_ratio__isnull=False)
    | Q(final_points__isnull=False)
    | Q(final_ratio__isnull=False)
    | Q(appraisal_not_applicable__isnull=False)
    | Q(final_not_applicable__isnull=False)
)


@dataclass(frozen=True)
class Override:
    item_code: str
    item_name: str
    self_points: Decimal
    council_points: Decimal
    self_not_applicable: bool
    council_not_applicable: bool


@dataclass
class UnitOverrides:
    assessment: Assessment
    items: list[Override]  # in the order of the index set

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def first(self) -> list[Override]:
        return self.items[:OVERRIDES_SHOWN]

    @property
    def more(self) -> int:
        return max(self.count - OVERRIDES_SHOWN, 0)


@dataclass
class UnitMissing:
    assessment: Assessment
    inputs: list[MissingInput]


@dataclass
class PublicationChecks:
    missing: list[UnitMissing]  # units with survey or data items missing, by unit code
    never_submitted: list[Assessment]
    unappraised: list[Assessment]  # no council value on any item
    overrides: list[UnitOverrides]  # units with at least one, by unit code

    @property
    def missing_inputs(self) -> list[MissingInput]:
        return [gap for unit in self.missing for gap in unit.inputs]

    @property
    def override_count(self) -> int:
        return sum(unit.count for unit in self.overrides)


def publication_checks(period: AssessmentPeriod) -> PublicationChecks:
    """Everything the publication's confirmation lists, for every taking-part unit."""
    inputs = period_inputs(period=period)
    assessments = [unit.assessment for unit in inputs.units]  # by unit code, units loaded
    unsent = never_submitted(period)
    definitions = index_set_defs({a.index_set_id for a in assessments})
    rows = (
        Score.objects.filter(assessment__period=period)
        .filter(COUNCIL_VALUE)
        .values("assessment_id", "item_id", *SCORE_VALUE_FIELDS)
    )
    appraised: set[int] = set()
    changed: dict[int, list[tuple[int, Override]]] = defaultdict(list)
    set_of = {a.pk: a.index_set_id for a in assessments}
    for row in rows:
        assessment_id = row["assessment_id"]
        if assessment_id not in set_of:
            continue  # withdrawn
        appraised.add(assessment_id)
        definition = definitions[set_of[assessment_id]]
        item = definition.by_id.get(row["item_id"])
        if item is None:
            continue
        entry = score_entry(row)
        before = (not_applicable_at(entry, Stage.SELF), points_at(item, entry, Stage.SELF))
        after = (not_applicable_at(entry, Stage.FINAL), points_at(item, entry, Stage.FINAL))
        if before != after:
            changed[assessment_id].append(
                (
                    item.position,
                    Override(
                        item_code=item.code,
                        item_name=item.name,
                        self_points=before[1] or ZERO,
                        council_points=after[1] or ZERO,
                        self_not_applicable=before[0],
                        council_not_applicable=after[0],
                    ),
                )
            )
    return PublicationChecks(
        missing=[
            UnitMissing(unit.assessment, unit.missing) for unit in inputs.units if unit.missing
        ],
        never_submitted=[a for a in assessments if a.pk in unsent],
        unappraised=[a for a in assessments if a.pk not in appraised],
        overrides=[
            UnitOverrides(a, [o for _position, o in sorted(changed[a.pk], key=lambda p: p[0])])
            for a in assessments
            if changed.get(a.pk)
        ],
    )
