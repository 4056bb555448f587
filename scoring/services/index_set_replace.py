"""A set replaced mid-period: Home Affairs prepares a draft version (a copy of the current set
to edit, or an uploaded file), checks what changes (scoring.selectors.index_set_diff) and
applies it. Applying re-points every assessment, score, evidence link and survey result to the
new items, clears what no longer fits and keeps it as a ScoreRedo for the unit to redo, writes
one audit entry and tells the units — all in one transaction."""

from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from scoring.exceptions import Refused
from scoring.models import (
    Assessment,
    AssessmentPeriod,
    DataFigure,
    Evidence,
    IndexItem,
    IndexSet,
    RedoKind,
    RedoStage,
    Score,
    ScoreRedo,
    SurveyResult,
)
from scoring.selectors.index_set_diff import (
    Misfit,
    UnitConsequences,
    fitting_item,
    full_mapping,
    index_set_diff,
    index_set_fingerprint,
    mapping_problems,
    replacement_consequences,
)
from units.access import acts_for
from units.roles import Permission

from . import audit
from .index_sets import (
    index_set_copy,
    index_set_current,
    index_set_draft_pending_reason,
    index_set_next_version,
    index_set_problems,
    period_sets_frozen_reason,
)
from .notifications import notify_index_set_replaced

POINT_FIELD = {
    RedoStage.SELF: "self_points",
    RedoStage.APPRAISAL: "appraisal_points",
    RedoStage.FINAL: "final_points",
}


def _check_manager(by, period: AssessmentPeriod) -> None:
    if not acts_for(by, Permission.MANAGE_PERIOD, period.organiser_id):
        raise PermissionDenied(_("Only Home Affairs can change the index sets of this period."))


def _check_not_published(period: AssessmentPeriod) -> None:
    frozen = period_sets_frozen_reason(period)
    if frozen:
        raise Refused(frozen)


def index_set_current_for(draft: IndexSet) -> IndexSet | None:
    """The current version a draft would replace."""
    return index_set_current(period=draft.period, unit_kind=draft.unit_kind)


# ---------------------------------------------------------------- preparing a draft


def index_set_draft_start(*, index_set: IndexSet, by) -> IndexSet:
    """Copy the current set into a draft version to edit while units keep scoring the current
    one. One draft per period × kind is prepared at a time."""
    period = index_set.period
    _check_manager(by, period)
    with transaction.atomic():
        source = IndexSet.objects.select_for_update().get(pk=index_set.pk)
        _check_not_published(period)
        if not source.is_current:
            raise Refused(_("Only the current version of an index set can be copied into a draft."))
        pending = index_set_draft_pending_reason(period=period, unit_kind=source.unit_kind)
        if pending:
            raise Refused(pending)
        draft = IndexSet.objects.create(
            period=period,
            unit_kind=source.unit_kind,
            version=index_set_next_version(period=period, unit_kind=source.unit_kind),
            is_current=False,
            is_draft=True,
            name=source.name,
            source=_("Draft copied from version %(version)s") % {"version": source.version},
            cloned_from=source,
            bonus_cap=source.bonus_cap,
            penalty_cap=source.penalty_cap,
            points_step=source.points_step,
            decision_number=source.decision_number,
            decision_date=source.decision_date,
            decision_issuer=source.decision_issuer,
        )
        index_set_copy(source=source, into=draft)
        audit.record(
            audit.index_set_drafted(
                actor=by,
                index_set=draft,
                source_id=source.pk,
                reason=_("Draft copied from version %(version)s") % {"version": source.version},
            )
        )
    return draft


# ---------------------------------------------------------------- applying it


@dataclass
class ReplaceResult:
    old: IndexSet
    new: IndexSet
    assessments: int
    scores_moved: int
    redos: list[ScoreRedo]
    consequences: list[UnitConsequences]


def index_set_replace(
    *, draft: IndexSet, confirmed: dict[int, int | None], fingerprint: str, by
) -> ReplaceResult:
    """Make `draft` the current set of its period × kind. `confirmed` maps each old scored item
    whose code is gone to a new item (or None); `fingerprint` is the one of the preview the
    officer saw (scoring.selectors.index_set_diff.index_set_fingerprint): a preview that is out
    of date is refused."""
    period = draft.period
    _check_manager(by, period)
    with transaction.atomic():
        period = AssessmentPeriod.objects.select_for_update().get(pk=period.pk)
        _check_not_published(period)
        new = IndexSet.objects.select_for_update().get(pk=draft.pk)
        if not new.is_draft:
            raise Refused(_("This version is not a draft waiting to be applied."))
        old = (
            IndexSet.objects.select_for_update()
            .filter(period=period, unit_kind_id=new.unit_kind_id, is_current=True)
            .first()
        )
        if old is None:
            raise Refused(_("There is no current index set to replace for this kind."))
        problems = index_set_problems(list(new.items.all()))
        if problems:
            raise Refused(_("The draft cannot be applied: its tree has problems."), problems)
        if index_set_fingerprint(old=old, new=new, confirmed=confirmed) != fingerprint:
            raise Refused(
                _(
                    "The index sets or the mapping changed since this comparison was shown. "
                    "Check the comparison again before applying it."
                )
            )
        diff = index_set_diff(old=old, new=new)
        problems = mapping_problems(diff, confirmed)
        if problems:
            raise Refused(_("The mapping of the old items is not complete."), problems)
        mapping = full_mapping(diff, confirmed)
        # Every unit's rows, locked: nobody saves into the old set while it is replaced.
        assessment_ids = list(
            Assessment.objects.select_for_update()
            .filter(index_set=old)
            .values_list("pk", flat=True)
        )
        list(Score.objects.select_for_update().filter(assessment_id__in=assessment_ids))
        consequences = replacement_consequences(old=old, mapping=mapping)
        redos = _keep_and_clear(consequences)
        moved = _repoint(old=old, new=new, mapping=mapping, by=by)
        Assessment.objects.filter(pk__in=assessment_ids).update(index_set=new)
        old.is_current = False
        old.save(update_fields=["is_current"])
        new.is_current, new.is_draft = True, False
        new.save(update_fields=["is_current", "is_draft"])
        confirmed_codes = ", ".join(
            f"{item.code} → {mapping[item.pk].code if mapping[item.pk] else '∅'}"
            for item in diff.unmatched
        )
        audit.record(
            audit.index_set_replaced(
                actor=by,
                period=period,
                old_id=old.pk,
                new_id=new.pk,
                reason=_(
                    "Version %(old)s replaced by version %(new)s: %(n)s assessment(s), %(moved)s "
                    "score(s) carried over, %(redos)s value(s) to redo. Confirmed mapping: "
                    "%(mapping)s."
                )
                % {
                    "old": old.version,
                    "new": new.version,
                    "n": len(assessment_ids),
                    "moved": moved,
                    "redos": len(redos),
                    "mapping": confirmed_codes or "—",
                },
            )
        )
        redos_by_assessment: dict[int, list[ScoreRedo]] = {}
        for redo in redos:
            redos_by_assessment.setdefault(redo.assessment_id, []).append(redo)
        # A unit withdrawn by a reorganisation keeps its rows (moved above) but is told nothing.
        for assessment in (
            Assessment.objects.taking_part()
            .filter(pk__in=assessment_ids)
            .select_related("unit", "period")
        ):
            notify_index_set_replaced(
                assessment=assessment,
                index_set=new,
                redos=redos_by_assessment.get(assessment.pk, []),
            )
    return ReplaceResult(
        old=old,
        new=new,
        assessments=len(assessment_ids),
        scores_moved=moved,
        redos=redos,
        consequences=consequences,
    )


def _keep_and_clear(consequences: list[UnitConsequences]) -> list[ScoreRedo]:
    """Record every misfit, then clear the points above the new maximum (the removed items'
    rows go in `_repoint`)."""
    redos = [_redo_of(misfit) for unit in consequences for misfit in unit.misfits]
    ScoreRedo.objects.bulk_create(redos)
    for unit in consequences:
        for misfit in unit.misfits:
            if misfit.kind != RedoKind.ABOVE_MAX:
                continue
            if misfit.stage == RedoStage.SURVEY:
                SurveyResult.objects.filter(
                    assessment=unit.assessment, item=misfit.old_item
                ).update(points=None)
            else:
                # A newer version: a form still open on the old value cannot write it back.
                Score.objects.filter(assessment=unit.assessment, item=misfit.old_item).update(
                    **{POINT_FIELD[misfit.stage]: None}, version=F("version") + 1
                )
    return redos


def _redo_of(misfit: Misfit) -> ScoreRedo:
    return ScoreRedo(
        assessment=misfit.assessment,
        item=misfit.new_item,
        old_code=misfit.old_item.code,
        old_name=misfit.old_item.name[:500],
        stage=misfit.stage,
        kind=misfit.kind,
        old_points=misfit.points,
        old_note=misfit.note,
        old_max=misfit.old_item.max_points,
        new_max=misfit.new_item.max_points if misfit.new_item else None,
    )


# Everything a unit or the council wrote on a score: kept whole in the audit trail when the
# score's item leaves the index set, so a replacement loses nothing anyone entered.
LET_GO_FIELDS = (
    "self_points",
    "self_ratio",
    "self_note",
    "not_applicable",
    "not_applicable_reason",
    "appraisal_points",
    "appraisal_ratio",
    "appraisal_reason",
    "appraisal_not_applicable",
    "review_request",
    "review_question",
    "explanation_text",
    "final_points",
    "final_ratio",
    "final_reason",
    "final_not_applicable",
)


def _repoint(*, old: IndexSet, new: IndexSet, mapping: dict[int, IndexItem | None], by=None) -> int:
    """Scores, survey results and evidence links follow their items to the new version; what
    maps to nothing (kept as ScoreRedo, and whole in the audit trail) is let go. Returns how
    many scores moved."""
    fitted = {item.pk: fitting_item(item, mapping.get(item.pk)) for item in old.items.all()}
    gone = [pk for pk, target in fitted.items() if target is None]
    let_go = list(
        Score.objects.filter(assessment__index_set=old, item_id__in=gone).select_related("item")
    )
    evidence_names = defaultdict(list)
    for assessment_id, item_id, name in Evidence.items.through.objects.filter(
        indexitem_id__in=gone
    ).values_list("evidence__assessment_id", "indexitem_id", "evidence__original_name"):
        evidence_names[assessment_id, item_id].append(name)
    audit.record(
        audit.score_let_go(
            actor=by,
            score=score,
            values={name: audit.audit_value(getattr(score, name)) for name in LET_GO_FIELDS},
            evidence=evidence_names.get((score.assessment_id, score.item_id), []),
            reason=_("Item %(code)s is not in version %(version)s of the index set.")
            % {"code": score.item.code, "version": new.version},
        )
        for score in let_go
    )
    Score.objects.filter(pk__in=[score.pk for score in let_go]).delete()
    SurveyResult.objects.filter(assessment__index_set=old, item_id__in=gone).delete()
    moved = 0
    for old_pk, target in fitted.items():
        if target is None:
            continue
        moved += Score.objects.filter(assessment__index_set=old, item_id=old_pk).update(item=target)
        SurveyResult.objects.filter(assessment__index_set=old, item_id=old_pk).update(item=target)
        # A figure that fits nowhere stays on its old item (the old version is kept): the
        # completeness table then shows the new item as not fed until the next upload.
        DataFigure.objects.filter(assessment__index_set=old, item_id=old_pk).update(item=target)
    through = Evidence.items.through
    links = list(through.objects.filter(indexitem__index_set=old))
    through.objects.filter(pk__in=[link.pk for link in links]).delete()
    through.objects.bulk_create(
        through(evidence_id=link.evidence_id, indexitem_id=fitted[link.indexitem_id].pk)
        for link in links
        if fitted.get(link.indexitem_id) is not None
    )
    return moved


# ---------------------------------------------------------------- the unit redoes


def score_redos_resolve(
    *, assessment: Assessment, item: IndexItem, stage: RedoStage = RedoStage.SELF
) -> int:
    """`item` was saved again at `stage` (the unit's entry, or the council's round 1 or 2):
    the redos of that stage on it are done."""
    return ScoreRedo.objects.filter(
        assessment=assessment, item=item, stage=stage, resolved_at=None
    ).update(resolved_at=timezone.now())
