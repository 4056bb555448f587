"""A small published province for the open-data tests (import the fixture by name).

Three periods of the personas' organiser: 2024 and 2025 published (2025 twice: a correction
made version 2), 2026 still in self-assessment. A commune formed in 2025 from two 2024 ones
(history across a merger), a unit outside every group, and a department whose name a
spreadsheet would run as a formula. Text that must never be public is planted in 2025's
scores, evidence and the 2026 period: PLANTED lists it."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from scoring.models import Assessment, Evidence, Score
from scoring.services.publication import period_publish
from scoring.workflow import AssessmentStatus, PeriodStatus
from tests.factories import (
    AssessmentFactory,
    BandFactory,
    IndexSetFactory,
    PeriodFactory,
    UnitFactory,
    small_tree,
)

D = Decimal
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
FORMULA_NAME = '=HYPERLINK("http://attacker.example","Sở Tài chính")'

# Never in any public answer: the unit's own scores and notes, the council's reasons and
# questions, explanations, evidence, and anything of the unpublished 2026 period.
PLANTED = (
    "1.9375",  # 2025 self-assessed points of unit A, item 1.1.2
    "1.8125",  # 2025 first-round appraisal of unit A, item 1.1.2
    "0.6875",  # 2026 self-assessed points of unit A
    "SELF-NOTE-PLANTED",
    "COUNCIL-REASON-PLANTED",
    "FINAL-REASON-PLANTED",
    "QUESTION-PLANTED",
    "EXPLANATION-PLANTED",
    "NA-REASON-PLANTED",
    "EVIDENCE-PLANTED",
    "evidence.example",
    "KỲ-2026-CHƯA-CÔNG-BỐ",
)


def _assess(period, index_set, unit, group, points, *, status=AssessmentStatus.APPRAISED):
    assessment = AssessmentFactory(
        period=period, unit=unit, index_set=index_set, ranking_group=group, status=status
    )
    tree = index_set.tree
    for code, value in zip(("1.1.1", "1.1.2"), points, strict=True):
        Score.objects.create(assessment=assessment, item=tree[code], final_points=D(value))
    return assessment


def _period(personas, year, *, name="", status=PeriodStatus.APPRAISAL):
    period = PeriodFactory(organiser=personas["organiser"], year=year, name=name, status=status)
    index_set = IndexSetFactory(period=period, unit_kind=personas["kind"])
    index_set.tree = small_tree(index_set)
    for label, minimum in (("Tốt", "80"), ("Khá", "60"), ("Trung bình", "0")):
        BandFactory(index_set=index_set, label=label, min_percent=D(minimum))
    return period, index_set


@pytest.fixture
def open_data(personas):
    organiser, kind = personas["organiser"], personas["kind"]
    so = organiser.ranking_groups.create(code="so", name="Sở, ngành", position=1)
    xa = organiser.ranking_groups.create(code="xa", name="UBND cấp xã", position=2)
    unit_a, unit_b = personas["unit_a"], personas["unit_b"]

    def unit(code, name):
        return UnitFactory(code=code, name=name, kind=kind, organiser=organiser)

    tan_an, hoa_loi, an_phu = (
        unit("X", "Xã Tân An"),
        unit("Y", "Xã Hòa Lợi"),
        unit("N", "Xã An Phú"),
    )
    tan_hoa = unit("M", "Xã Tân Hòa")
    tan_hoa.predecessors.set([tan_an, hoa_loi])
    formula = unit("C", FORMULA_NAME)
    office = unit("U", "Văn phòng Đoàn ĐBQH và HĐND tỉnh")

    # 2024: two departments, three communes.
    p2024, set2024 = _period(personas, 2024, name="Chỉ số CCHC năm 2024")
    for member, group, points in (
        (unit_a, so, ("1", "1")),
        (unit_b, so, ("1", "2")),
        (tan_an, xa, ("0", "1")),
        (hoa_loi, xa, ("1", "1.5")),
        (an_phu, xa, ("1", "0.5")),
    ):
        _assess(p2024, set2024, member, group, points)
    v2024 = period_publish(period=p2024, published_at=datetime(2025, 3, 2, 9, tzinfo=LOCAL))

    # 2025: three departments, the merged commune and An Phú, one unit not ranked.
    p2025, set2025 = _period(personas, 2025, name="Chỉ số CCHC năm 2025")
    assessments = {}
    for member, group, points in (
        (unit_a, so, ("1", "1.5")),
        (unit_b, so, ("0", "2")),
        (formula, so, ("1", "0.75")),
        (tan_hoa, xa, ("1", "1.25")),
        (an_phu, xa, ("0", "1")),
        (office, None, ("1", "1")),
    ):
        assessments[member.code] = _assess(p2025, set2025, member, group, points)
    Score.objects.filter(assessment=assessments["A"], item=set2025.tree["1.1.2"]).update(
        self_points=D("1.9375"),
        self_note="SELF-NOTE-PLANTED",
        appraisal_points=D("1.8125"),
        appraisal_reason="COUNCIL-REASON-PLANTED",
        review_question="QUESTION-PLANTED",
        explanation_text="EXPLANATION-PLANTED",
        final_reason="FINAL-REASON-PLANTED",
    )
    Score.objects.filter(assessment=assessments["B"], item=set2025.tree["1.1.1"]).update(
        not_applicable_reason="NA-REASON-PLANTED"
    )
    evidence = Evidence.objects.create(
        assessment=assessments["A"],
        url="https://evidence.example/EVIDENCE-PLANTED",
        description="EVIDENCE-PLANTED",
        uploaded_by=personas["staff_a"],
    )
    evidence.items.set([set2025.tree["1.1.2"]])
    first = period_publish(period=p2025, published_at=datetime(2026, 3, 2, 9, tzinfo=LOCAL))
    # A correction: unit C's 1.1.2 was worth 2, not 0.75 — version 2.
    Assessment.objects.filter(pk=assessments["C"].pk).update(status=AssessmentStatus.APPRAISED)
    Score.objects.filter(assessment=assessments["C"], item=set2025.tree["1.1.2"]).update(
        final_points=D("2")
    )
    second = period_publish(
        period=p2025,
        reason="Sửa điểm tiêu chí 1.1.2 của đơn vị C",
        published_at=datetime(2026, 3, 20, 9, tzinfo=LOCAL),
    )

    # 2026: in self-assessment, nothing public.
    p2026, set2026 = _period(
        personas, 2026, name="KỲ-2026-CHƯA-CÔNG-BỐ", status=PeriodStatus.SELF_ASSESSMENT
    )
    draft = AssessmentFactory(
        period=p2026,
        unit=unit_a,
        index_set=set2026,
        ranking_group=so,
        status=AssessmentStatus.DRAFT,
    )
    Score.objects.create(
        assessment=draft, item=set2026.tree["1.1.2"], self_points=D("0.6875"), self_note="X"
    )
    return {
        **personas,
        "so": so,
        "xa": xa,
        "p2024": p2024,
        "p2025": p2025,
        "p2026": p2026,
        "v2024": v2024,
        "v2025_1": first,
        "v2025": second,
        "units": {
            u.code: u for u in (unit_a, unit_b, formula, tan_an, hoa_loi, an_phu, tan_hoa, office)
        },
    }
