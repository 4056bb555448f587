"""What replacing an index set mid-period would do: the differences between the current set and
a draft (items added, removed, renamed, maxima, methods, rules and bands changed), how the old
items map to the new ones (by code, or as the officer confirms), and every score that would no
longer fit. The replacement service applies exactly what this module computes."""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from scoring.models import (
    Assessment,
    Evidence,
    IndexItem,
    IndexSet,
    RedoKind,
    RedoStage,
    Score,
    ScoringMethod,
    SurveyResult,
)


class ChangeKind:
    ADDED = "added"
    REMOVED = "removed"
    RENAMED = "renamed"
    MAX_CHANGED = "max_changed"
    METHOD_CHANGED = "method_changed"
    RULE_CHANGED = "rule_changed"
    DATA_SOURCE_CHANGED = "data_source_changed"


@dataclass(frozen=True)
class ItemChange:
    kind: str
    code: str
    old: IndexItem | None
    new: IndexItem | None


@dataclass
class IndexSetDiff:
    old: IndexSet
    new: IndexSet
    changes: list[ItemChange]
    old_bands: list[tuple[str, Decimal]]
    new_bands: list[tuple[str, Decimal]]
    # Old item pk → new item, for the codes found in both at the same level.
    by_code: dict[int, IndexItem]
    # Scored old items whose code is gone: the officer maps each to a new item or to none.
    unmatched: list[IndexItem]
    # For each level, the new items no old item maps to by code (what an unmatched item may take).
    candidates: dict[str, list[IndexItem]]

    @property
    def bands_changed(self) -> bool:
        return self.old_bands != self.new_bands

    def of_kind(self, kind: str) -> list[ItemChange]:
        return [change for change in self.changes if change.kind == kind]

    @property
    def is_empty(self) -> bool:
        return not self.changes and not self.bands_changed


@dataclass(frozen=True)
class Misfit:
    """One value that no longer fits the new version (per stage for points)."""

    assessment: Assessment
    old_item: IndexItem
    new_item: IndexItem | None
    stage: str
    kind: str
    points: Decimal | None = None
    note: str = ""
    evidence: int = 0


@dataclass
class UnitConsequences:
    assessment: Assessment
    misfits: list[Misfit] = field(default_factory=list)


def _items(index_set: IndexSet) -> list[IndexItem]:
    return list(index_set.items.order_by("position", "code"))


def _bands(index_set: IndexSet) -> list[tuple[str, Decimal]]:
    return [(b.label, b.min_percent) for b in index_set.bands.order_by("-min_percent", "label")]


def index_set_diff(*, old: IndexSet, new: IndexSet) -> IndexSetDiff:
    old_items, new_items = _items(old), _items(new)
    new_by_code = {item.code: item for item in new_items}
    changes: list[ItemChange] = []
    by_code: dict[int, IndexItem] = {}
    unmatched: list[IndexItem] = []
    for item in old_items:
        twin = new_by_code.get(item.code)
        if twin is None or twin.level != item.level:
            changes.append(ItemChange(ChangeKind.REMOVED, item.code, item, None))
            if item.is_scored:
                unmatched.append(item)
            continue
        by_code[item.pk] = twin
        if twin.name != item.name:
            changes.append(ItemChange(ChangeKind.RENAMED, item.code, item, twin))
        if twin.max_points != item.max_points:
            changes.append(ItemChange(ChangeKind.MAX_CHANGED, item.code, item, twin))
        if twin.method != item.method:
            changes.append(ItemChange(ChangeKind.METHOD_CHANGED, item.code, item, twin))
        elif twin.rule != item.rule:
            changes.append(ItemChange(ChangeKind.RULE_CHANGED, item.code, item, twin))
        if twin.data_source != item.data_source:
            changes.append(ItemChange(ChangeKind.DATA_SOURCE_CHANGED, item.code, item, twin))
    taken = {item.pk for item in by_code.values()}
    candidates: dict[str, list[IndexItem]] = defaultdict(list)
    for item in new_items:
        if item.pk in taken:
            continue
        changes.append(ItemChange(ChangeKind.ADDED, item.code, None, item))
        if item.is_scored:
            candidates[item.level].append(item)
    return IndexSetDiff(
        old=old,
        new=new,
        changes=changes,
        old_bands=_bands(old),
        new_bands=_bands(new),
        by_code=by_code,
        unmatched=unmatched,
        candidates=dict(candidates),
    )


def mapping_problems(diff: IndexSetDiff, confirmed: dict[int, int | None]) -> list[str]:
    """Why a confirmed mapping ({old pk: new pk or None}) cannot be used; empty when it can."""
    problems = []
    candidates = {item.pk: item for items in diff.candidates.values() for item in items}
    used: dict[int, str] = {}
    for old in diff.unmatched:
        if old.pk not in confirmed:
            problems.append(_("Choose what item %(code)s becomes, or “none”.") % {"code": old.code})
            continue
        new_pk = confirmed[old.pk]
        if new_pk is None:
            continue
        new = candidates.get(new_pk)
        if new is None or new.level != old.level:
            problems.append(
                _("Item %(code)s can only become a new item of the same level.")
                % {"code": old.code}
            )
        elif new_pk in used:
            problems.append(
                _("Items %(first)s and %(second)s cannot both become %(new)s.")
                % {"first": used[new_pk], "second": old.code, "new": new.code}
            )
        else:
            used[new_pk] = old.code
    return problems


def full_mapping(
    diff: IndexSetDiff, confirmed: dict[int, int | None]
) -> dict[int, IndexItem | None]:
    """Old item pk → new item (None: removed), by code and then as confirmed."""
    candidates = {item.pk: item for items in diff.candidates.values() for item in items}
    mapping: dict[int, IndexItem | None] = dict(diff.by_code)
    for old in diff.unmatched:
        mapping[old.pk] = candidates.get(confirmed.get(old.pk))
    return mapping


def fitting_item(old: IndexItem, new: IndexItem | None) -> IndexItem | None:
    """The new item a value of `old` can move to: a survey value needs a survey item, a data
    figure a data-fed item, and a self-assessed value an item the unit scores."""
    if new is None or (old.method == ScoringMethod.SURVEY) != (new.method == ScoringMethod.SURVEY):
        return None
    if old.is_data_fed != new.is_data_fed:
        return None
    return new


SCORE_STAGES = (
    ("self_points", RedoStage.SELF),
    ("appraisal_points", RedoStage.APPRAISAL),
    ("final_points", RedoStage.FINAL),
)


def replacement_consequences(
    *, old: IndexSet, mapping: dict[int, IndexItem | None]
) -> list[UnitConsequences]:
    """Per assessment on the old set, every value that no longer fits: points above the new
    maximum, and a removed item (no mapping) that carried points, a note or evidence."""
    items = {item.pk: item for item in old.items.all()}
    # A stored value is at most its old maximum, so only the rows of an item that goes, or
    # whose maximum falls, can misfit: a province's other ~60,000 rows are not even loaded.
    targets = {pk: fitting_item(item, mapping.get(pk)) for pk, item in items.items()}
    removed = {pk for pk, target in targets.items() if target is None}
    lowered = {
        pk
        for pk, target in targets.items()
        if target is not None and target.max_points < items[pk].max_points
    }
    candidates = removed | lowered
    assessments = list(
        Assessment.objects.filter(index_set=old)
        .select_related("unit", "period")
        .prefetch_related(
            Prefetch(
                "scores",
                queryset=Score.objects.filter(item_id__in=candidates).select_related("item"),
            ),
            Prefetch(
                "survey_results",
                queryset=SurveyResult.objects.filter(item_id__in=candidates).select_related("item"),
            ),
        )
        .order_by("unit__code")
    )
    links = defaultdict(lambda: defaultdict(int))  # assessment → old item → evidence count
    for assessment_id, item_id in Evidence.items.through.objects.filter(
        indexitem_id__in=removed
    ).values_list("evidence__assessment_id", "indexitem_id"):
        links[assessment_id][item_id] += 1
    result = []
    for assessment in assessments:
        misfits: list[Misfit] = []
        scored = set()
        for score in assessment.scores.all():
            scored.add(score.item_id)
            new = fitting_item(score.item, mapping.get(score.item_id))
            evidence = links[assessment.pk].get(score.item_id, 0)
            misfits.extend(_score_misfits(assessment, score, new, evidence))
        for item_id, count in links[assessment.pk].items():
            if item_id not in scored and fitting_item(items[item_id], mapping.get(item_id)) is None:
                misfits.append(
                    Misfit(
                        assessment,
                        items[item_id],
                        None,
                        RedoStage.SELF,
                        RedoKind.REMOVED,
                        evidence=count,
                    )
                )
        for survey in assessment.survey_results.all():
            new = fitting_item(survey.item, mapping.get(survey.item_id))
            if new is None:
                misfits.append(
                    Misfit(
                        assessment,
                        survey.item,
                        None,
                        RedoStage.SURVEY,
                        RedoKind.REMOVED,
                        points=survey.points,
                        note=survey.note,
                    )
                )
            elif survey.points is not None and survey.points > new.max_points:
                misfits.append(
                    Misfit(
                        assessment,
                        survey.item,
                        new,
                        RedoStage.SURVEY,
                        RedoKind.ABOVE_MAX,
                        points=survey.points,
                    )
                )
        if misfits:
            misfits.sort(key=lambda m: (m.old_item.position, m.stage))
            result.append(UnitConsequences(assessment=assessment, misfits=misfits))
    return result


def _score_misfits(assessment, score: Score, new: IndexItem | None, evidence: int):
    if new is None:
        entered = [
            (name, stage) for name, stage in SCORE_STAGES if getattr(score, name) is not None
        ]
        if not entered:
            kept = score.self_note or score.self_ratio is not None or score.not_applicable
            if not kept and not evidence:
                return []  # an empty row: nothing is lost
            entered = [("self_points", RedoStage.SELF)]
        return [
            Misfit(
                assessment,
                score.item,
                None,
                stage,
                RedoKind.REMOVED,
                points=getattr(score, name),
                note=score.self_note if stage == RedoStage.SELF else "",
                evidence=evidence if stage == RedoStage.SELF else 0,
            )
            for name, stage in entered
        ]
    return [
        Misfit(assessment, score.item, new, stage, RedoKind.ABOVE_MAX, points=getattr(score, name))
        for name, stage in SCORE_STAGES
        if getattr(score, name) is not None and getattr(score, name) > new.max_points
    ]


def index_set_fingerprint(*, old: IndexSet, new: IndexSet, confirmed: dict[int, int | None]) -> str:
    """Changes whenever either tree, its bands or the confirmed mapping change: a preview
    applied with a stale fingerprint is refused."""
    parts = [f"{old.pk}:{old.is_current}:{new.pk}:{new.is_draft}"]
    for index_set in (old, new):
        for item in index_set.items.order_by("pk"):
            parts.append(
                f"{item.pk}|{item.parent_id}|{item.level}|{item.code}|{item.name}|"
                f"{item.max_points}|{item.method}|{item.rule}|{item.data_source}"
            )
        parts.extend(f"{label}|{minimum}" for label, minimum in _bands(index_set))
    parts.extend(f"{k}>{v}" for k, v in sorted(confirmed.items()))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]
