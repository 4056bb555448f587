"""A small province for the public portal's tests: two published years across a merger, a
year published twice, a later year appraised but not published and one in self-assessment —
with distinctive text planted in everything the public must never read (self-assessed
points, notes, the council's reasons and questions, explanations, evidence)."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from reports.models import Report, ReportKind, ReportStatus
from reports.services import report_build
from scoring.models import Assessment, Band, Evidence, IndexItem, ItemLevel, Publication, Score
from scoring.services.publication import period_publish
from scoring.services.transitions import SYSTEM, assessment_move, assessments_move
from scoring.workflow import AssessmentStatus, PeriodStatus
from tests.factories import (
    AssessmentFactory,
    IndexSetFactory,
    PeriodFactory,
    RankingGroupFactory,
    UnitFactory,
    UnitKindFactory,
)

D = Decimal
S = AssessmentStatus

# Text that must never reach a public page, document or API answer.
PLANTED = {
    "self_note": "GHI-CHU-TU-CHAM-7731",
    "not_applicable_reason": "LY-DO-KHONG-AP-DUNG-7732",
    "appraisal_reason": "LY-DO-THAM-DINH-7733",
    "review_question": "CAU-HOI-HOI-DONG-7734",
    "explanation_text": "GIAI-TRINH-DON-VI-7735",
    "final_reason": "LY-DO-VONG-HAI-7736",
    "return_note": "TRA-LAI-CHU-TICH-7737",
    "evidence_description": "MO-TA-MINH-CHUNG-7738",
    "evidence_number": "SO-MINH-CHUNG-7739",
    "evidence_url": "https://minh-chung.example/tai-lieu-7740",
}
# A self-assessed value no published number equals: shown anywhere, it leaked.
PLANTED_SELF_POINTS = D("4.37")
PLANTED_SELF_TEXT = "4,37"
# Names that exist only in periods the public may not see.
UNPUBLISHED_PERIOD_NAME = "Kỳ đánh giá chưa công bố 2026"
SELF_ASSESSMENT_PERIOD_NAME = "Kỳ tự đánh giá 2027"
UNPUBLISHED_UNIT_NAME = "Ban Quản lý chưa công bố"

AREAS = (
    ("1", "Cải cách thể chế", (("1.1.1", "Ban hành văn bản đúng hạn"), ("1.1.2", "Rà soát"))),
    (
        "2",
        "Cải cách thủ tục hành chính",
        (("2.1.1", "Giải quyết hồ sơ đúng hạn"), ("2.1.2", "Công khai thủ tục")),
    ),
)


def index_tree(index_set) -> dict[str, IndexItem]:
    """Two areas of 10 points, each one criterion of two sub-criteria of 5; bands Tốt ≥ 80,
    Khá ≥ 60, Trung bình below."""
    items, position = {}, 0
    for area_code, area_name, subs in AREAS:
        position += 1
        area = IndexItem.objects.create(
            index_set=index_set,
            level=ItemLevel.AREA,
            code=area_code,
            name=area_name,
            max_points=D(10),
            position=position,
        )
        position += 1
        criterion = IndexItem.objects.create(
            index_set=index_set,
            level=ItemLevel.CRITERION,
            code=f"{area_code}.1",
            name=f"Tiêu chí {area_code}.1",
            parent=area,
            max_points=D(10),
            position=position,
        )
        for code, name in subs:
            position += 1
            items[code] = IndexItem.objects.create(
                index_set=index_set,
                level=ItemLevel.SUB_CRITERION,
                code=code,
                name=name,
                parent=criterion,
                max_points=D(5),
                position=position,
            )
    for label, minimum in (("Tốt", 80), ("Khá", 60), ("Trung bình", 0)):
        Band.objects.create(index_set=index_set, label=label, min_percent=D(minimum))
    return items


@dataclass
class PortalProvince:
    organiser: object
    units: dict  # code → Unit
    periods: dict  # year → AssessmentPeriod
    publications: dict = field(default_factory=dict)  # (year, version) → Publication
    documents: list = field(default_factory=list)  # the Report rows built


def _score(assessment, items, finals: dict[str, str], *, plant: bool, uploaded_by):
    for code, item in items.items():
        values = {"final_points": D(finals[code]), "appraisal_points": D(finals[code])}
        if plant:
            values |= {
                "self_points": PLANTED_SELF_POINTS,
                "self_note": PLANTED["self_note"],
                "not_applicable_reason": PLANTED["not_applicable_reason"],
                "appraisal_reason": PLANTED["appraisal_reason"],
                "review_question": PLANTED["review_question"],
                "explanation_text": PLANTED["explanation_text"],
                "final_reason": PLANTED["final_reason"],
                "return_note": PLANTED["return_note"],
            }
        Score.objects.create(assessment=assessment, item=item, **values)
    if plant:
        evidence = Evidence.objects.create(
            assessment=assessment,
            document_number=PLANTED["evidence_number"],
            description=PLANTED["evidence_description"],
            url=PLANTED["evidence_url"],
            uploaded_by=uploaded_by,
        )
        evidence.items.add(*items.values())


def _period(organiser, year, groups, members, finals, *, by, status=None, name="", never=()):
    """A period whose members (unit, group code) are scored with `finals[unit code]` and
    appraised; units in `never` went into appraisal without submitting."""
    period = PeriodFactory(organiser=organiser, year=year, name=name or f"Chỉ số CCHC năm {year}")
    index_sets = {}
    for unit, group_code in members:
        kind = unit.kind
        if kind.pk not in index_sets:
            index_set = IndexSetFactory(period=period, unit_kind=kind)
            index_sets[kind.pk] = (index_set, index_tree(index_set))
        index_set, items = index_sets[kind.pk]
        assessment = AssessmentFactory(
            period=period,
            unit=unit,
            index_set=index_set,
            ranking_group=groups.get(group_code),
            status=S.DRAFT if unit.code in never else S.APPRAISED,
        )
        _score(assessment, items, finals[unit.code], plant=True, uploaded_by=by)
        if unit.code in never:
            for target in (S.IN_APPRAISAL, S.APPRAISED):
                assessments_move(assessments=[assessment], target=target, by=SYSTEM)
    if status is not None:
        period.status = status
        period.save(update_fields=["status"])
    return period


@pytest.fixture
def portal_province(personas, settings, tmp_path):
    """2024 and 2025 published (2025 twice: a correction), 2026 appraised but not published,
    2027 in self-assessment. Departments A, B, C rank in "so"; communes X1 and X2 (2024)
    merged into X3 (2025) rank in "xa"; V is assessed, never ranked. C never submitted its
    2025 self-assessment."""
    settings.MEDIA_ROOT = tmp_path / "media"  # ids repeat between tests; file names must not
    # Publishing records its documents; a test renders those it reads (build_documents).
    settings.REPORTS_RENDER_PUBLISHED_DOCUMENTS = False
    organiser, kind = personas["organiser"], personas["kind"]
    commune = UnitKindFactory(code="commune", name="UBND cấp xã")
    units = {"A": personas["unit_a"], "B": personas["unit_b"]}
    units["C"] = UnitFactory(code="C", name="Sở Xây dựng", kind=kind, organiser=organiser)
    units["V"] = UnitFactory(code="V", name="Văn phòng Đoàn ĐBQH", kind=kind, organiser=organiser)
    units["X1"] = UnitFactory(
        code="X1", name="Xã Tân An", kind=commune, organiser=organiser, valid_to_year=2024
    )
    units["X2"] = UnitFactory(
        code="X2", name="Xã Hòa Lợi", kind=commune, organiser=organiser, valid_to_year=2024
    )
    units["X3"] = UnitFactory(
        code="X3", name="Xã Tân Hòa", kind=commune, organiser=organiser, valid_from_year=2025
    )
    units["X3"].predecessors.add(units["X1"], units["X2"])
    units["N"] = UnitFactory(
        code="N", name=UNPUBLISHED_UNIT_NAME, kind=kind, organiser=organiser, valid_from_year=2026
    )
    groups = {
        "so": RankingGroupFactory(organiser=organiser, code="so", name="Sở, ngành", position=1),
        "xa": RankingGroupFactory(organiser=organiser, code="xa", name="UBND cấp xã", position=2),
    }
    province = PortalProvince(organiser=organiser, units=units, periods={})
    u = units
    # 2024: A 90%, B 75%, C 60% (ranks 1, 2, 3); X1 80%, X2 50%; V 70%, not ranked.
    finals_2024 = {
        "A": dict.fromkeys(("1.1.1", "1.1.2", "2.1.1", "2.1.2"), "4.5"),
        "B": {"1.1.1": "4", "1.1.2": "4", "2.1.1": "3.5", "2.1.2": "3.5"},
        "C": {"1.1.1": "3", "1.1.2": "3", "2.1.1": "3", "2.1.2": "3"},
        "V": {"1.1.1": "3.5", "1.1.2": "3.5", "2.1.1": "3.5", "2.1.2": "3.5"},
        "X1": dict.fromkeys(("1.1.1", "1.1.2", "2.1.1", "2.1.2"), "4"),
        "X2": dict.fromkeys(("1.1.1", "1.1.2", "2.1.1", "2.1.2"), "2.5"),
    }
    members_2024 = [
        (u["A"], "so"),
        (u["B"], "so"),
        (u["C"], "so"),
        (u["V"], ""),
        (u["X1"], "xa"),
        (u["X2"], "xa"),
    ]
    province.periods[2024] = period = _period(
        organiser, 2024, groups, members_2024, finals_2024, by=personas["staff_a"]
    )
    province.publications[2024, 1] = period_publish(
        period=period, by=personas["home_affairs"], published_at=_at(2025, 3, 2)
    )
    # 2025: B 85% goes up to rank 1, A 80% down to 2, C 55% (never submitted); X3 72,5%.
    finals_2025 = {
        "A": dict.fromkeys(("1.1.1", "1.1.2", "2.1.1", "2.1.2"), "4"),
        "B": {"1.1.1": "5", "1.1.2": "4", "2.1.1": "4", "2.1.2": "4"},
        "C": {"1.1.1": "3", "1.1.2": "2.5", "2.1.1": "2.5", "2.1.2": "3"},
        "V": dict.fromkeys(("1.1.1", "1.1.2", "2.1.1", "2.1.2"), "4"),
        "X3": {"1.1.1": "4", "1.1.2": "3.5", "2.1.1": "3.5", "2.1.2": "3.5"},
    }
    members_2025 = [(u["A"], "so"), (u["B"], "so"), (u["C"], "so"), (u["V"], ""), (u["X3"], "xa")]
    province.periods[2025] = period = _period(
        organiser, 2025, groups, members_2025, finals_2025, never=("C",), by=personas["staff_a"]
    )
    province.publications[2025, 1] = period_publish(
        period=period, by=personas["home_affairs"], published_at=_at(2026, 3, 2)
    )
    # The correction: A's 2.1.2 was 4, is 5 (A 85%, level with B: both rank 1).
    assessment = Assessment.objects.get(period=period, unit=u["A"])
    assessment_move(
        assessment=assessment, target=S.IN_APPRAISAL, by=personas["chair"], reason="Sửa sai sót"
    )
    Score.objects.filter(assessment=assessment, item__code="2.1.2").update(final_points=D(5))
    assessment_move(assessment=assessment, target=S.APPRAISED, by=personas["chair"])
    province.publications[2025, 2] = period_publish(
        period=period,
        by=personas["home_affairs"],
        reason="Điều chỉnh điểm 2.1.2 của Sở Tư pháp",
        published_at=_at(2026, 3, 20),
    )
    # 2026: appraised, never published; 2027: in self-assessment.
    finals_2026 = {code: dict.fromkeys(("1.1.1", "1.1.2", "2.1.1", "2.1.2"), "1") for code in u}
    province.periods[2026] = _period(
        organiser,
        2026,
        groups,
        [(u["A"], "so"), (u["B"], "so"), (u["N"], "so"), (u["X3"], "xa")],
        finals_2026,
        by=personas["staff_a"],
        status=PeriodStatus.FINALISING,
        name=UNPUBLISHED_PERIOD_NAME,
    )
    province.periods[2027] = _period(
        organiser,
        2027,
        groups,
        [(u["A"], "so"), (u["N"], "so")],
        finals_2026,
        by=personas["staff_a"],
        status=PeriodStatus.SELF_ASSESSMENT,
        name=SELF_ASSESSMENT_PERIOD_NAME,
    )
    Assessment.objects.filter(period=province.periods[2027]).update(status=S.DRAFT)
    return province


def _at(year, month, day):
    return timezone.make_aware(datetime(year, month, day, 9, 0))


# Documents rendered once per test run, by (year, version, kind, unit code): the fixture's
# province is the same in every test, and WeasyPrint takes a second a document.
_RENDERED: dict[tuple, tuple[str, bytes]] = {}


def build_documents(publication: Publication, unit_codes=(), kinds=None) -> list[Report]:
    """The publication's documents as rows kept with it, rendered by the reports' own build
    (the documents engineer's publication wiring renders the same rows at publication); a
    document this run already rendered for the same province is stored again as it was."""
    period = publication.period
    if kinds is None:
        kinds = (ReportKind.RANKING_PDF, ReportKind.BREAKDOWN_PDF, ReportKind.RESULTS_WORKBOOK)
    wanted = [(kind, {}) for kind in kinds]
    wanted += [
        (ReportKind.SCORECARD_PDF, {"unit_id": result.unit_id, "unit_code": result.unit_code})
        for result in publication.unit_results.filter(unit_code__in=unit_codes)
    ]
    done = []
    recorded = list(publication.documents.all())
    for kind, params in wanted:
        # The row publishing recorded (reports.receivers), else one made here.
        report = next(
            (
                r
                for r in recorded
                if r.kind == kind and r.params.get("unit_id") == params.get("unit_id")
            ),
            None,
        ) or Report.objects.create(kind=kind, period=period, publication=publication, params=params)
        if report.status == ReportStatus.DONE:
            done.append(report)
            continue
        key = (period.year, publication.version, kind, params.get("unit_code"))
        if key in _RENDERED:
            name, content = _RENDERED[key]
            report.file.save(name, ContentFile(content), save=False)
            report.status, report.progress = ReportStatus.DONE, 100
            report.save(update_fields=["file", "status", "progress"])
        else:
            report = report_build(report_id=report.pk)
            assert report.status == ReportStatus.DONE, report.error
            report.file.open("rb")
            _RENDERED[key] = (
                report.file.name.rsplit("/", 1)[-1].removeprefix(f"{report.pk}-"),
                report.file.read(),
            )
            report.file.close()
        done.append(report)
    return done
