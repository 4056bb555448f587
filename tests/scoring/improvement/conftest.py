"""A published year to improve on, shared by the improvement tests (plans, targets, progress,
inspections, documents): five departments ranked in one group, and the next year open for
self-assessment with the same item codes."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from scoring.models import (
    IndexItem,
    ItemLevel,
    PlanStatus,
    RemediationPlan,
    Score,
    ScoringMethod,
)
from scoring.services.publication import period_publish
from scoring.workflow import AssessmentStatus, PeriodStatus
from tests.factories import (
    AssessmentFactory,
    IndexSetFactory,
    PeriodFactory,
    RoleGrantFactory,
    UnitFactory,
)
from units.roles import Role

D = Decimal

# Area 1 (6 points): 1.1 → 1.1.1 (2), 1.1.2 (4, N/A allowed); area 2 (4 points): 2.1 → 2.1.1
# (4). Every unit's final points on 1.1.1, 1.1.2, 2.1.1:
FINAL_POINTS = {
    "A": ("2", "4", "3.5"),  # 9,5 → 1st
    "B": ("1", "3", "1"),  # 5 → 4th
    "C": ("2", "2", "4"),  # 8 → 2nd
    "D": ("1", "2", "1"),  # 4 → 5th
    "E": ("2", "3", "1.5"),  # 6,5 → 3rd
}


def build_items(index_set) -> dict[str, IndexItem]:
    def item(code, level, max_points, parent=None, position=0, **extra):
        return IndexItem.objects.create(
            index_set=index_set,
            code=code,
            name={
                "1": "Công tác chỉ đạo, điều hành CCHC",
                "1.1": "Kế hoạch CCHC",
                "1.1.1": "Ban hành kế hoạch CCHC đúng thời hạn",
                "1.1.2": "Mức độ thực hiện kế hoạch",
                "2": "Cải cách thủ tục hành chính",
                "2.1": "Giải quyết thủ tục hành chính",
                "2.1.1": "Tỷ lệ hồ sơ giải quyết đúng hạn",
            }[code],
            level=level,
            max_points=D(max_points),
            parent=parent,
            position=position,
            method=ScoringMethod.MANUAL,
            **extra,
        )

    area1 = item("1", ItemLevel.AREA, "6", position=1)
    crit1 = item("1.1", ItemLevel.CRITERION, "6", area1, 2)
    area2 = item("2", ItemLevel.AREA, "4", position=5)
    crit2 = item("2.1", ItemLevel.CRITERION, "4", area2, 6)
    return {
        "1": area1,
        "1.1": crit1,
        "1.1.1": item("1.1.1", ItemLevel.SUB_CRITERION, "2", crit1, 3),
        "1.1.2": item("1.1.2", ItemLevel.SUB_CRITERION, "4", crit1, 4, not_applicable_allowed=True),
        "2": area2,
        "2.1": crit2,
        "2.1.1": item("2.1.1", ItemLevel.SUB_CRITERION, "4", crit2, 7),
    }


@pytest.fixture
def improvement_year(personas):
    """2025 published (version 1) for units A–E of the personas' organiser, ranked in "so";
    2026 in self-assessment for the same units on an index set with the same codes. Returns a
    dict: period, publication, items (2025), next_period, next_items, next_assessments,
    units (code → Unit), staff_c (a user of unit C)."""
    organiser, kind = personas["organiser"], personas["kind"]
    group = organiser.ranking_groups.create(code="so", name="Sở, ngành")
    units = {"A": personas["unit_a"], "B": personas["unit_b"]}
    for code, name in (("C", "Sở Tài chính"), ("D", "Sở Xây dựng"), ("E", "Sở Công Thương")):
        units[code] = UnitFactory(code=code, name=name, kind=kind, organiser=organiser)
    for unit in units.values():
        unit.ranking_group = group
        unit.save()
    period = PeriodFactory(organiser=organiser, year=2025, status=PeriodStatus.APPRAISAL)
    index_set = IndexSetFactory(period=period, unit_kind=kind)
    items = build_items(index_set)
    for code, points in FINAL_POINTS.items():
        assessment = AssessmentFactory(
            period=period,
            unit=units[code],
            index_set=index_set,
            status=AssessmentStatus.APPRAISED,
            ranking_group=group,
        )
        for item_code, value in zip(("1.1.1", "1.1.2", "2.1.1"), points, strict=True):
            Score.objects.create(
                assessment=assessment,
                item=items[item_code],
                self_points=D(value),
                final_points=D(value),
            )
    publication = period_publish(period=period, by=personas["home_affairs"])

    next_period = PeriodFactory(
        organiser=organiser,
        year=2026,
        status=PeriodStatus.SELF_ASSESSMENT,
        self_assessment_deadline=timezone.now() + timedelta(days=20),
    )
    next_set = IndexSetFactory(period=next_period, unit_kind=kind)
    next_items = build_items(next_set)
    next_assessments = {
        code: AssessmentFactory(
            period=next_period, unit=unit, index_set=next_set, ranking_group=group
        )
        for code, unit in units.items()
    }
    return {
        "period": period,
        "publication": publication,
        "items": items,
        "next_period": next_period,
        "next_items": next_items,
        "next_assessments": next_assessments,
        "units": units,
        "staff_c": RoleGrantFactory(role=Role.UNIT_STAFF, unit=units["C"]).user,
    }


@pytest.fixture
def issued_province_plan(improvement_year, personas):
    """The province's plan for 2025, issued by Home Affairs (no tasks: each test adds its own)."""
    return RemediationPlan.objects.create(
        period=improvement_year["period"],
        publication=improvement_year["publication"],
        title="Kế hoạch khắc phục hạn chế, nâng cao Chỉ số CCHC năm 2026",
        status=PlanStatus.ISSUED,
        issued_by=personas["home_affairs"],
        issued_at=timezone.now(),
        created_by=personas["home_affairs"],
    )


# A unit's plan is issued signed, with its "Nơi nhận" (scoring.services.remediation_plans).
SIGNED = {
    "signer_title": "GIÁM ĐỐC",
    "signer_name": "Nguyễn Văn An",
    "recipients": "- Sở Nội vụ;\n- Lưu: VT.",
}
