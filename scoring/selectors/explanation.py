"""The unit's explanation round as its screen shows it: exactly the items the council asked
about, each with the question, the unit's own claim, the round-1 value and reason, the answer
and the files given for it. Nothing about any other item is read.

Four queries: the asked scores with their items, the audit check of whether the request was
sent (unit staff only), the evidence and its links."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from scoring.models import (
    Assessment,
    AuditEntry,
    Evidence,
    EvidenceStage,
    IndexItem,
    ReviewRequest,
    Score,
)
from scoring.rules import RuleError
from scoring.services.appraisal import (
    explanation_closed_reason,
    explanation_problems,
    round_1_value,
)
from scoring.services.appraisal import (
    self_value as unit_claim,
)
from scoring.services.self_assessment import SelfEntry, entry_points
from scoring.workflow import AssessmentStatus, PeriodStatus

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
    round 1 and stay private to the council until Home Affairs opens the explanation round."""
    if assessment.status in (S.EXPLANATION_REQUESTED, S.EXPLAINED):
        return True
    if assessment.period.status == PeriodStatus.PUBLISHED:
        return True
    # Later statuses (appraised, reopened) went through the round only if the log says so.
    return AuditEntry.objects.filter(
        assessment=assessment,
        action="transition",
        field="status",
        new_value=S.EXPLANATION_REQUESTED,
    ).exists()


def _value(item: IndexItem, entry: SelfEntry) -> Value:
    try:
        points = entry_points(item, entry)
    except RuleError:
        points = entry.points  # a ratio no band covers (imported data): shown as stored
    return Value(points=points, ratio=entry.ratio, not_applicable=entry.not_applicable)


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
                self_value=_value(score.item, unit_claim(score)),
                round_1=_value(score.item, round_1_value(score)),
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
