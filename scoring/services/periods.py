"""Assessment periods: finding or creating an organiser's year, opening it to its units, and
creating the assessment of every unit it covers."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from scoring.exceptions import TransitionRefused
from scoring.models import Assessment, AssessmentPeriod, IndexSet
from scoring.workflow import PeriodStatus
from units.models import Organiser, Unit

from . import audit
from .index_sets import index_set_problems
from .transitions import period_move


def period_for_year(*, organiser: Organiser, year: int, by=None) -> AssessmentPeriod:
    """The organiser's period for `year`, created (in set-up status) when missing."""
    period, created = AssessmentPeriod.objects.get_or_create(
        organiser=organiser,
        year=year,
        defaults={"name": _("PAR Index %(year)s") % {"year": year}},
    )
    if created:
        audit.record(audit.created(actor=by, obj=period, reason=_("Period created")))
    return period


def period_open_assessments(*, period: AssessmentPeriod, by=None) -> int:
    """Create the missing assessment of every unit the period covers: units of the organiser
    that exist in the period's year and whose kind has a current index set. Returns how many."""
    index_sets = {
        index_set.unit_kind_id: index_set
        for index_set in IndexSet.objects.filter(period=period, is_current=True)
    }
    existing = set(Assessment.objects.filter(period=period).values_list("unit_id", flat=True))
    units = Unit.objects.filter(organiser=period.organiser, kind_id__in=index_sets, active=True)
    new = [
        Assessment(
            period=period,
            unit=unit,
            index_set=index_sets[unit.kind_id],
            ranking_group_id=unit.ranking_group_id,
        )
        for unit in units
        if unit.pk not in existing and unit.exists_in(period.year)
    ]
    with transaction.atomic():
        Assessment.objects.bulk_create(new)
        if new:
            audit.record(audit.assessments_opened(actor=by, period=period, count=len(new)))
    return len(new)


def period_open_problems(period: AssessmentPeriod) -> list[str]:
    """What keeps a period in set-up from opening to its units; empty when it can open."""
    problems = []
    index_sets = period_index_set_problems(period)
    if not index_sets:
        problems.append(_("The period has no index set yet."))
    for index_set, set_problems in index_sets:
        problems += [
            _("Index set for %(kind)s: %(problem)s")
            % {"kind": index_set.unit_kind.name, "problem": problem}
            for problem in set_problems
        ]
    deadline = period.self_assessment_deadline
    if deadline is None or deadline <= timezone.now():
        problems.append(_("Set a self-assessment deadline in the future."))
    try:
        period.clean()  # the deadlines come in order
    except ValidationError as exc:
        problems += exc.messages
    return problems


def period_index_set_problems(period: AssessmentPeriod) -> list[tuple[IndexSet, list[str]]]:
    """Each current index set of the period with what is wrong with its tree (the rules of an
    import, scoring.services.index_sets.index_set_problems); an empty list when it is sound."""
    index_sets = (
        IndexSet.objects.filter(period=period, is_current=True)
        .select_related("unit_kind")
        .prefetch_related("items")
        .order_by("unit_kind__position", "unit_kind__code")
    )
    return [
        (index_set, index_set_problems(list(index_set.items.all()))) for index_set in index_sets
    ]


def period_open(*, period: AssessmentPeriod, by) -> AssessmentPeriod:
    """Open a period that was being set up: its units' assessments are created and they may
    enter their self-assessment."""
    with transaction.atomic():
        period = AssessmentPeriod.objects.select_for_update().get(pk=period.pk)
        problems = period_open_problems(period)
        if problems:
            raise TransitionRefused(_("The period cannot be opened yet."), problems)
        period_move(period=period, target=PeriodStatus.SELF_ASSESSMENT, by=by)
        period_open_assessments(period=period, by=by)
    return period
