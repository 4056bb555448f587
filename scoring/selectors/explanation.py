"""The unit's explanation round as its screen shows it: exactly the items the council asked
about, each with the question, the unit's own claim, the round-1 value and reason, the answer
and the files given for it. Nothing about any other item is read.

Three queries: the asked scores with their items, the evidence and its links, and the
explanation files when the problems are listed."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.utils.translation import gettext as _

from scoring.engine.model import Stage
from scoring.entries import earned, stored_value
from scoring.models import (
    Assessment,
    Evidence,
    EvidenceStage,
    IndexItem,
    ReviewRequest,
    Score,
)
from scoring.workflow import AssessmentStatus, PeriodStatus, explanation_closed_reason

S = AssessmentStatus


@dataclass(frozen=True)
class Value:
    """A value as the screen shows it: points (None = empty), the ratio behind them, N/A."""

    points: Decimal | None
    ratio: Decimal | None = None
    not_applicable: bool = False


@dataclass
class ExplanationRow:
    item: IndexItem
    score: Score
    self_value: Value
    round_1: Value
    evidence: list[Evidence] = field(default_factory=list)  # given in the explanation round
    self_evidence: list[Evidence] = field(default_factory=list)  # given with the self-score
    # Screen state after a refused post, so nothing typed is lost: the text sent, the row
    # stored meanwhile by someone else, why it was refused, the citation typed.
    draft: str | None = None
    conflict: Score | None = None
    error: str = ""
    cite: dict = field(default_factory=dict)

    @property
    def version(self) -> int:
        return self.score.version

    @property
    def request_label(self) -> str:
        return ReviewRequest(self.score.review_request).label

    @property
    def text(self) -> str:
        return self.score.explanation_text if self.draft is None else self.draft

    @property
    def answered(self) -> bool:
        return bool(self.score.explanation_text or self.evidence)


@dataclass
class Explanation:
    assessment: Assessment
    rows: list[ExplanationRow]
    closed_reason: str
    problems: list[str]
    sent: bool  # the request reached the unit (its staff see nothing before)

    @property
    def deadline(self) -> datetime | None:
        return self.assessment.period.explanation_deadline


def explanation_sent(assessment: Assessment) -> bool:
    """Whether the council's questions were sent to the unit. Requests are written during
    round 1 and stay private to the council until Home Affairs opens the explanation round
    (Assessment.explanation_sent_at), or until the results are published."""
    return (
        assessment.explanation_sent_at is not None
        or assessment.period.status == PeriodStatus.PUBLISHED
    )


def _value(item: IndexItem, score: Score, stage: Stage) -> Value:
    value = stored_value(item, score, stage)
    return Value(points=earned(item, value), ratio=value.ratio, not_applicable=value.not_applicable)


def explanation_problems(assessment: Assessment) -> list[str]:
    """Questions still without an answer (text or a file)."""
    answered_by_file = set(
        Evidence.objects.filter(assessment=assessment, stage=EvidenceStage.EXPLANATION).values_list(
            "items", flat=True
        )
    )
    missing = [
        score.item.code
        for score in Score.objects.filter(assessment=assessment)
        .exclude(review_request="")
        .select_related("item")
        if not score.explanation_text and score.item_id not in answered_by_file
    ]
    if missing:
        return [_("No answer yet for: %(codes)s") % {"codes": ", ".join(sorted(missing))}]
    return []


def explanation(assessment: Assessment, *, council_view: bool) -> Explanation:
    """The asked items of `assessment`. Unit staff (`council_view=False`) see them only once the
    request was sent; the council and Home Affairs see them whenever there are some."""
    sent = council_view or explanation_sent(assessment)
    scores = []
    if sent:
        scores = list(
            Score.objects.filter(assessment=assessment)
            .exclude(review_request=ReviewRequest.NONE)
            .select_related("item")
            .order_by("item__position", "item__code")
        )
    asked_ids = [score.item_id for score in scores]
    evidence_by_item: dict[int, list[Evidence]] = defaultdict(list)
    if asked_ids:
        links = Evidence.items.through.objects.filter(
            evidence__assessment=assessment, indexitem_id__in=asked_ids
        ).select_related("evidence")
        for link in links.order_by("evidence__uploaded_at", "evidence_id"):
            evidence_by_item[link.indexitem_id].append(link.evidence)
    rows = []
    for score in scores:
        given = evidence_by_item.get(score.item_id, [])
        rows.append(
            ExplanationRow(
                item=score.item,
                score=score,
                self_value=_value(score.item, score, Stage.SELF),
                round_1=_value(score.item, score, Stage.APPRAISAL),
                evidence=[e for e in given if e.stage == EvidenceStage.EXPLANATION],
                self_evidence=[e for e in given if e.stage == EvidenceStage.SELF_ASSESSMENT],
            )
        )
    return Explanation(
        assessment=assessment,
        rows=rows,
        closed_reason=explanation_closed_reason(assessment),
        problems=explanation_problems(assessment)
        if assessment.status == S.EXPLANATION_REQUESTED
        else [],
        sent=sent,
    )
