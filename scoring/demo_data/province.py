"""The demo province "tỉnh Hòa An" (fictional), over the 2025 reform of local government.

- 2024, published: 21 departments, 9 districts and their 100 communes, one index set per kind.
- 2025, published: no districts any more (two tiers: province → commune). The 100 communes
  were merged into 31 communes and wards (phường); each new unit lists the units it replaced
  (`Unit.predecessors`), so its results compare with theirs; the old units end in 2024.
- 2026: the 2025 units, open for self-assessment.
- The departments' 3.6.1 (the 766 index of the national public-service portal) is fed from
  data: Home Affairs uploads a dated data set each year; in 2026 a few departments still lack
  their figure, so the dashboard's completeness table shows gaps.

Also ranking groups, a council split by area, a Home Affairs officer and the demo accounts.
Deterministic: the same seed gives the same province."""

import io
import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from pypdf import PdfWriter

from scoring.engine.policy import ratio_points
from scoring.models import (
    Assessment,
    AssessmentPeriod,
    DataFigure,
    DataSet,
    Evidence,
    IndexItem,
    IndexSet,
    ItemLevel,
    Score,
    ScoringMethod,
    SurveyResult,
    TaskStatus,
)
from scoring.services import audit
from scoring.services.index_set_import import index_set_import
from scoring.services.index_sets import index_set_clone
from scoring.services.inspections import FindingInput, VisitInput, finding_add, inspection_create
from scoring.services.periods import period_for_year, period_open_assessments
from scoring.services.publication import DocumentElements, period_publish
from scoring.services.remediation_plans import PlanHeader, plan_draft, plan_issue
from scoring.services.remediation_progress import task_progress_report
from scoring.services.transitions import SYSTEM, assessments_move, period_move
from scoring.workflow import AssessmentStatus, PeriodStatus
from units.kinds import ensure_standard_kinds
from units.models import (
    Organiser,
    RankingGroup,
    RoleGrant,
    Unit,
    UnitChange,
    UnitChangeKind,
    UnitKind,
    User,
)
from units.roles import Role

DATA_DIR = Path(__file__).resolve().parent
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
ORGANISER_CODE = "snv-hoa-an"
DEMO_PASSWORD = "parindex-demo"
# The last year with districts; the year the merged communes and wards start; the open year.
DISTRICT_YEAR, MERGER_YEAR, CURRENT_YEAR = 2024, 2025, 2026
# The (fictional) resolution on the province's communes, from 1 July 2025.
REFORM_DECISION, REFORM_DECISION_DATE = "1680/NQ-UBTVQH15", date(2025, 6, 16)
PUBLISHED_YEARS = (DISTRICT_YEAR, MERGER_YEAR)
DEMO = "Demo data"
QUARTER = Decimal("0.25")
# The department set's item scored from another system's figures (issue 13).
DATA_ITEM_CODE = "3.6.1"
DATA_SOURCE_766 = "Cổng Dịch vụ công quốc gia — Bộ chỉ số 766"
DATA_AS_OF = (11, 30)  # the figures describe 30 November of the year
OPEN_YEAR_UNFED = ("SXD", "SKHCN", "SGTVT")  # no 2026 figure yet: the dashboard shows the gaps

DEPARTMENTS = [
    ("SNV", "Sở Nội vụ"),
    ("STP", "Sở Tư pháp"),
    ("SKHDT", "Sở Kế hoạch và Đầu tư"),
    ("STC", "Sở Tài chính"),
    ("SCT", "Sở Công Thương"),
    ("SNNPTNT", "Sở Nông nghiệp và Phát triển nông thôn"),
    ("SGTVT", "Sở Giao thông vận tải"),
    ("SXD", "Sở Xây dựng"),
    ("STNMT", "Sở Tài nguyên và Môi trường"),
    ("STTTT", "Sở Thông tin và Truyền thông"),
    ("SLDTBXH", "Sở Lao động - Thương binh và Xã hội"),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch"),
    ("SKHCN", "Sở Khoa học và Công nghệ"),
    ("SGDDT", "Sở Giáo dục và Đào tạo"),
    ("SYT", "Sở Y tế"),
    ("TTT", "Thanh tra tỉnh"),
    ("BDT", "Ban Dân tộc"),
    ("BQLKCN", "Ban Quản lý các Khu công nghiệp"),
    ("SNGV", "Sở Ngoại vụ"),
    ("VPUBND", "Văn phòng UBND tỉnh"),
]
# Assessed with the same index set, deliberately left out of the ranking.
UNRANKED_DEPARTMENTS = [("VPDDBQH", "Văn phòng Đoàn ĐBQH và HĐND tỉnh")]

# code, name, place name, the word of its urban communes, communes until 2024, and how the 2025
# reform merged them: the sizes of consecutive runs of its communes that became one unit.
DISTRICTS = [
    ("TP-HOA-AN", "UBND thành phố Hòa An", "Hòa An", "Phường", 12, (4, 3, 3, 2)),
    ("TX-TAN-LAP", "UBND thị xã Tân Lập", "Tân Lập", "Phường", 10, (3, 3, 2, 2)),
    ("H-AN-PHU", "UBND huyện An Phú", "An Phú", "Xã", 13, (3, 2, 3, 3, 3)),
    ("H-BINH-SON", "UBND huyện Bình Sơn", "Bình Sơn", "Xã", 12, (4, 4, 4)),
    ("H-DONG-XUAN", "UBND huyện Đồng Xuân", "Đồng Xuân", "Xã", 11, (4, 3, 4)),
    ("H-KIM-BANG", "UBND huyện Kim Bảng", "Kim Bảng", "Xã", 10, (3, 3, 4)),
    ("H-LAC-THUY", "UBND huyện Lạc Thủy", "Lạc Thủy", "Xã", 11, (3, 3, 2, 3)),
    ("H-PHU-LUONG", "UBND huyện Phú Lương", "Phú Lương", "Xã", 10, (5, 5)),
    ("H-THANH-HA", "UBND huyện Thanh Hà", "Thanh Hà", "Xã", 10, (4, 3, 3)),
]
COMMUNE_NAMES = [
    "An Bình",
    "An Hòa",
    "An Lạc",
    "An Thạnh",
    "Bình Minh",
    "Bình Thành",
    "Cẩm Phong",
    "Đông Hưng",
    "Đông Sơn",
    "Gia Lộc",
    "Hải Đông",
    "Hòa Bình",
    "Hòa Khánh",
    "Hồng Phong",
    "Hưng Đạo",
    "Hương Sơn",
    "Kim Đồng",
    "Lạc Long",
    "Lam Sơn",
    "Liên Hiệp",
    "Long Hưng",
    "Minh Khai",
    "Minh Tân",
    "Nam Hà",
    "Nghĩa Hưng",
    "Ngọc Lâm",
    "Nhân Hòa",
    "Phú Cường",
    "Phú Lộc",
    "Phú Mỹ",
    "Phúc Thịnh",
    "Phước Hậu",
    "Quang Trung",
    "Quảng Phú",
    "Quyết Thắng",
    "Sơn Hà",
    "Sơn Thủy",
    "Tân Hiệp",
    "Tân Lộc",
    "Tân Phong",
    "Tân Thành",
    "Thạch Bàn",
    "Thanh Bình",
    "Thanh Lương",
    "Thành Công",
    "Thịnh Lang",
    "Thống Nhất",
    "Thuận Hòa",
    "Tiên Phong",
    "Trung Hòa",
    "Trường Xuân",
    "Tự Lập",
    "Vạn Xuân",
    "Việt Hưng",
    "Vĩnh Hảo",
    "Vĩnh Lộc",
    "Xuân Hòa",
    "Xuân Lâm",
    "Yên Bình",
    "Yên Thế",
    "Đại Đồng",
    "Đại Thắng",
    "Đức Hòa",
    "Đức Thắng",
    "Cao Minh",
    "Chiến Thắng",
    "Diễn Châu",
    "Định Công",
    "Đoàn Kết",
    "Đồng Tâm",
    "Hiệp Hòa",
    "Hợp Thành",
    "Kỳ Sơn",
    "Lộc Hà",
    "Mỹ Lộc",
    "Nam Sơn",
    "Ninh Hiệp",
    "Phong Châu",
    "Phù Lưu",
    "Quế Lâm",
    "Sông Cầu",
    "Tam Hiệp",
    "Tân Dân",
    "Tân Tiến",
    "Thái Học",
    "Thiện Kế",
    "Thọ Xuân",
    "Thượng Lâm",
    "Tiến Thắng",
    "Trung Nghĩa",
    "Văn Lang",
    "Vân Hòa",
    "Vĩnh Thịnh",
    "Xuân Phú",
    "Yên Lạc",
    "Bắc Sơn",
    "Cát Tiên",
    "Đông Phương",
    "Hạ Long",
    "Hòa Lạc",
    "Lương Sơn",
]
# What the 2025 reform called the units it made. The first unit of each former district takes
# the district's name; Xã Tân Hòa joins Xã Tân An and Xã Hòa Lợi (the demo's long-standing
# merger); the others take new names.
MERGED_PAIR = [("H-AN-PHU-X-TAN-AN", "Xã Tân An"), ("H-AN-PHU-X-HOA-LOI", "Xã Hòa Lợi")]
MERGED_PAIR_INTO = "Tân Hòa"
MERGED_PAIR_DISTRICT = "H-AN-PHU"
NEW_NAMES = [
    "Hòa Phú",
    "An Khánh",
    "Tân Mỹ",
    "Phong Phú",
    "Thuận An",
    "Hưng Lợi",
    "Bình Phú",
    "Mỹ Hòa",
    "Quang Minh",
    "Long Phú",
    "Thành Đông",
    "Hòa Thịnh",
    "Nam Phong",
    "Đông Thành",
    "Hòa Hiệp",
    "Ngọc Sơn",
    "Phú Xuân",
    "Vĩnh Phú",
    "Xuân Sơn",
    "Kim Sơn",
    "Hương Phong",
    "Bình Lợi",
]
# The decision that issued each year's index sets (number, date); issued by the province.
DECISIONS = {
    2024: ("1520/QĐ-UBND", date(2024, 3, 15)),
    2025: ("845/QĐ-UBND", date(2025, 7, 10)),
    2026: ("312/QĐ-UBND", date(2026, 2, 20)),
}

# The decision of UBND tỉnh that published each past year's results (number, date), and the
# number Sở Nội vụ gave its ranking report ("35/BC-SNV").
PUBLISHING = {
    2024: ("268/QĐ-UBND", date(2025, 2, 28), "35"),
    2025: ("301/QĐ-UBND", date(2026, 2, 27), "42"),
}
RECIPIENTS = "\n".join(
    [
        "Bộ Nội vụ (để báo cáo)",
        "Thường trực Tỉnh ủy, HĐND tỉnh (để báo cáo)",
        "Chủ tịch, các Phó Chủ tịch UBND tỉnh",
        "Các sở, ban, ngành tỉnh",
        "UBND các xã, phường",
        "Cổng thông tin điện tử tỉnh",
        "Lưu: VT, CCHC",
    ]
)

BANDS = {
    "department": [("Xuất sắc", 90), ("Tốt", 80), ("Khá", 65), ("Trung bình", 50), ("Yếu", 0)],
    "district": [("Xuất sắc", 90), ("Tốt", 80), ("Khá", 65), ("Trung bình", 50), ("Yếu", 0)],
    "commune": [("Nhóm I", 90), ("Nhóm II", 80), ("Nhóm III", 65), ("Nhóm IV", 0)],
}
INDEX_SET_FILES = {
    "department": "index-set-department.csv",
    "district": "index-set-district.csv",
    "commune": "index-set-commune.csv",
}
# Appraisal council: who appraises which area (area codes are the same in the three sets).
APPRAISERS = [
    ("thamdinh.noivu", "Trần Thị Thu Hà", "Sở Nội vụ", "1, 4, 5"),
    ("thamdinh.tuphap", "Lê Văn Khánh", "Sở Tư pháp", "2"),
    ("thamdinh.vpubnd", "Phạm Minh Tuấn", "Văn phòng UBND tỉnh", "3"),
    ("thamdinh.taichinh", "Ngô Thị Lan", "Sở Tài chính", "6"),
    ("thamdinh.tttt", "Đặng Quốc Việt", "Sở Thông tin và Truyền thông", "7"),
]


@dataclass
class DemoAccount:
    username: str
    full_name: str
    role: str
    scope: str


@dataclass
class DemoYear:
    year: int
    status: str
    published_at: datetime | None
    assessed: list[tuple[str, int]]  # (unit kind name, units assessed), in kind order


@dataclass
class DemoProvince:
    accounts: list[DemoAccount]
    years: list[DemoYear] = field(default_factory=list)


def demo_already_loaded() -> bool:
    return Organiser.objects.filter(code=ORGANISER_CODE).exists()


def load_demo_province(*, seed: int = 2026) -> DemoProvince:
    rng = random.Random(seed)
    with transaction.atomic():
        organiser = Organiser.objects.create(
            code=ORGANISER_CODE,
            name="Sở Nội vụ tỉnh Hòa An",
            issuing_body="UBND TỈNH HÒA AN",
            place_name="Hòa An",
            document_code="SNV",
            signer_title="KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
            signer_name="Trần Quang Huy",
            recipients=RECIPIENTS,
        )
        kinds = ensure_standard_kinds(UnitKind)
        province_kind, _ = UnitKind.objects.get_or_create(
            code="province", defaults={"name": "UBND cấp tỉnh", "short_name": "tỉnh", "position": 0}
        )
        # Every unit is built with its group: a unit exists only in its own era, so each
        # period's assessments take the group of that era (Assessment.ranking_group) and 2024's
        # districts and communes keep theirs in 2024's history.
        units = _build_units(organiser, kinds, province_kind)
        accounts = _build_accounts(organiser, units)
        quality: dict[int, float] = {}

        first = _start_year(organiser, DISTRICT_YEAR)
        for kind_code, filename in INDEX_SET_FILES.items():
            path = DATA_DIR / filename
            index_set_import(
                period=first,
                unit_kind=kinds[kind_code],
                data=path.read_bytes(),
                filename=path.name,
                bands=BANDS[kind_code],
            )
        _decide(first)
        # Carried into 2025 and 2026 by the clone of the sets.
        IndexItem.objects.filter(
            index_set__period=first,
            index_set__unit_kind=kinds["department"],
            code=DATA_ITEM_CODE,
        ).update(data_source=DATA_SOURCE_766)
        period_open_assessments(period=first)
        _score_published_year(first, rng, quality)

        # No districts after the reform: their index set stays in 2024.
        merger = _start_year(organiser, MERGER_YEAR)
        _clone_sets(first, merger, exclude=kinds["district"])
        period_open_assessments(period=merger)
        _score_published_year(merger, rng, quality)

        current = _start_year(organiser, CURRENT_YEAR)
        _clone_sets(merger, current)
        period_move(period=current, target=PeriodStatus.SELF_ASSESSMENT, by=SYSTEM)
        period_open_assessments(period=current)
        _start_current_year(current, rng, quality)
        _improve_after(merger, units)
        audit.record(audit.demo_loaded(period=current))
    return DemoProvince(
        accounts=accounts, years=[_year_summary(p) for p in (first, merger, current)]
    )


def _start_year(organiser, year) -> AssessmentPeriod:
    period = period_for_year(organiser=organiser, year=year)
    _set_deadlines(period, year)
    return period


def _clone_sets(source_period, period, *, exclude=None) -> None:
    sources = IndexSet.objects.filter(period=source_period, is_current=True).select_related(
        "period", "unit_kind"
    )
    for index_set in sources:
        if index_set.unit_kind != exclude:
            index_set_clone(source=index_set, period=period)
    _decide(period)


def _decide(period) -> None:
    """The decision that issued the year's sets, as Home Affairs records it on each."""
    number, day = DECISIONS[period.year]
    IndexSet.objects.filter(period=period, is_current=True).update(
        decision_number=number, decision_date=day, decision_issuer="UBND tỉnh Hòa An"
    )


def _year_summary(period) -> DemoYear:
    period.refresh_from_db()
    counts: dict[str, int] = {}
    for name in period.assessments.order_by("unit__kind__position").values_list(
        "unit__kind__name", flat=True
    ):
        counts[name] = counts.get(name, 0) + 1
    return DemoYear(
        year=period.year,
        status=str(PeriodStatus(period.status).label),
        published_at=period.published_at,
        assessed=list(counts.items()),
    )


def _slug(text: str) -> str:
    """ "Tân Hòa" → "TAN-HOA": a code from a Vietnamese name."""
    plain = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return "-".join(plain.upper().split())


def _build_units(organiser, kinds, province_kind) -> dict[str, Unit]:
    groups = {
        code: RankingGroup.objects.create(
            organiser=organiser, code=code, name=name, kind=kinds[kind], position=position
        )
        for position, (code, name, kind) in enumerate(
            [
                ("so-nganh", "Sở, ban, ngành", "department"),
                ("huyen", "UBND cấp huyện", "district"),
                ("xa", "UBND cấp xã", "commune"),
            ],
            start=1,
        )
    }
    province = Unit.objects.create(
        code="UBND-TINH", name="UBND tỉnh Hòa An", kind=province_kind, organiser=organiser
    )
    new = []
    for code, name in DEPARTMENTS:
        new.append(
            Unit(
                code=code,
                name=name,
                kind=kinds["department"],
                organiser=organiser,
                parent=province,
                ranking_group=groups["so-nganh"],
            )
        )
    for code, name in UNRANKED_DEPARTMENTS:
        new.append(
            Unit(
                code=code, name=name, kind=kinds["department"], organiser=organiser, parent=province
            )
        )
    districts = [
        Unit(
            code=code,
            name=name,
            kind=kinds["district"],
            organiser=organiser,
            parent=province,
            ranking_group=groups["huyen"],
            valid_to_year=DISTRICT_YEAR,
        )
        for code, name, *_rest in DISTRICTS
    ]
    _bulk_units([*new, *districts])
    units = {unit.code: unit for unit in [*new, *districts]}

    # Until 2024: each district's communes. From 2025: the merged communes and wards, directly
    # under the province, each listing the communes it replaced.
    names, new_names = iter(COMMUNE_NAMES), iter(NEW_NAMES)
    old_communes, merged, runs = [], [], []
    for code, _name, place, urban_word, commune_count, sizes in DISTRICTS:
        communes = []
        for number in range(commune_count):
            if code == MERGED_PAIR_DISTRICT and number == 3:
                communes += [(pair_code, pair_name) for pair_code, pair_name in MERGED_PAIR]
                continue
            if urban_word == "Phường":  # a city or town: wards, and a couple of rural communes
                word = "Phường" if number < commune_count - 2 else "Xã"
            else:  # a rural district: its seat is a township
                word = "Thị trấn" if number == 0 else "Xã"
            communes.append((f"{code}-{number + 1:02d}", f"{word} {next(names)}"))
        old_communes += [
            Unit(
                code=commune_code,
                name=commune_name,
                kind=kinds["commune"],
                organiser=organiser,
                parent=units[code],
                ranking_group=groups["xa"],
                valid_to_year=DISTRICT_YEAR,
            )
            for commune_code, commune_name in communes
        ]
        assert sum(sizes) == len(communes), code
        start = 0
        for position, size in enumerate(sizes):
            run = [commune_code for commune_code, _ in communes[start : start + size]]
            run_names = [commune_name for _, commune_name in communes[start : start + size]]
            start += size
            ward = any(run_name.startswith("Phường") for run_name in run_names)
            if position == 0:
                core = place
            elif run == [pair_code for pair_code, _ in MERGED_PAIR]:
                core = MERGED_PAIR_INTO
            else:
                core = next(new_names)
            merged.append(
                Unit(
                    code=f"{'P' if ward else 'X'}-{_slug(core)}",
                    name=f"{'Phường' if ward else 'Xã'} {core}",
                    kind=kinds["commune"],
                    organiser=organiser,
                    parent=province,
                    ranking_group=groups["xa"],
                    valid_from_year=MERGER_YEAR,
                )
            )
            runs.append(run)
    _bulk_units([*old_communes, *merged])
    units.update({unit.code: unit for unit in [*old_communes, *merged]})
    through = Unit.predecessors.through
    through.objects.bulk_create(
        [
            through(from_unit_id=unit.pk, to_unit_id=units[old].pk)
            for unit, run in zip(merged, runs, strict=True)
            for old in run
        ]
    )
    _record_reform(organiser, units, merged, runs, districts)
    return units


def _record_reform(organiser, units, merged, runs, districts) -> None:
    """The 2025 reform as the units pages list it: one merger per new commune or ward and the
    end of every district, each with its decision. The units are built for every year at once,
    so these rows record the history; no open period needs carrying (2024 is published when
    they take effect)."""
    basis = {"decision_number": REFORM_DECISION, "decision_date": REFORM_DECISION_DATE}
    changes = UnitChange.objects.bulk_create(
        [
            *[
                UnitChange(
                    organiser=organiser, kind=UnitChangeKind.MERGE, year=MERGER_YEAR, **basis
                )
                for _ in merged
            ],
            *[
                UnitChange(
                    organiser=organiser,
                    kind=UnitChangeKind.DISSOLVE,
                    year=MERGER_YEAR,
                    note="Kết thúc hoạt động của chính quyền địa phương cấp huyện",
                    **basis,
                )
                for _ in districts
            ],
        ]
    )
    sources, results = UnitChange.sources.through, UnitChange.results.through
    merges = changes[: len(merged)]
    sources.objects.bulk_create(
        [
            *[
                sources(unitchange_id=change.pk, unit_id=units[old].pk)
                for change, run in zip(merges, runs, strict=True)
                for old in run
            ],
            *[
                sources(unitchange_id=change.pk, unit_id=district.pk)
                for change, district in zip(changes[len(merged) :], districts, strict=True)
            ],
        ]
    )
    results.objects.bulk_create(
        results(unitchange_id=change.pk, unit_id=unit.pk)
        for change, unit in zip(merges, merged, strict=True)
    )


def _bulk_units(units: list[Unit]) -> None:
    for unit in units:
        unit.normalize_text_fields()  # what save() would do
    Unit.objects.bulk_create(units)


def _user(username, full_name, job_title, *, superuser=False) -> User:
    user = User(
        username=username,
        full_name=full_name,
        job_title=job_title,
        email=f"{username}@hoaan.gov.vn",
        is_staff=superuser,
        is_superuser=superuser,
    )
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


def _build_accounts(organiser, units) -> list[DemoAccount]:
    accounts = []
    admin = _user("admin", "Trịnh Quốc Hưng", "Quản trị hệ thống, Trung tâm CNTT", superuser=True)
    accounts.append(DemoAccount("admin", admin.full_name, Role.SYSTEM_ADMIN.label, "toàn hệ thống"))
    officer = _user("noivu", "Nguyễn Thị Mai", "Chuyên viên Phòng CCHC, Sở Nội vụ")
    RoleGrant.objects.create(user=officer, role=Role.HOME_AFFAIRS, organiser=organiser)
    accounts.append(
        DemoAccount("noivu", officer.full_name, Role.HOME_AFFAIRS.label, organiser.name)
    )
    chair = _user("chutich.hd", "Hoàng Văn Bình", "Phó Giám đốc Sở Nội vụ, Chủ tịch Hội đồng")
    RoleGrant.objects.create(user=chair, role=Role.COUNCIL_CHAIR, organiser=organiser)
    accounts.append(
        DemoAccount("chutich.hd", chair.full_name, Role.COUNCIL_CHAIR.label, organiser.name)
    )
    for username, full_name, agency, areas in APPRAISERS:
        user = _user(username, full_name, f"Thành viên Hội đồng thẩm định — {agency}")
        RoleGrant.objects.create(
            user=user, role=Role.APPRAISER, organiser=organiser, area_codes=areas
        )
        accounts.append(DemoAccount(username, full_name, Role.APPRAISER.label, f"lĩnh vực {areas}"))
    # UBND huyện An Phú ended with the districts in 2024: its officer `anphu` now works for
    # Xã An Phú, the commune formed around the district's seat.
    for username, full_name, unit_code in [
        ("sotuphap", "Vũ Thị Hồng", "STP"),
        ("soyte", "Bùi Đức Long", "SYT"),
        ("anphu", "Đỗ Thanh Sơn", "X-AN-PHU"),
        ("xa.tanhoa", "Lý Thị Ngọc", "X-TAN-HOA"),
    ]:
        unit = units[unit_code]
        user = _user(username, full_name, f"Cán bộ đầu mối CCHC — {unit.name}")
        RoleGrant.objects.create(user=user, role=Role.UNIT_STAFF, unit=unit)
        accounts.append(DemoAccount(username, full_name, Role.UNIT_STAFF.label, unit.name))
    return accounts


def _set_deadlines(period: AssessmentPeriod, year: int) -> None:
    def at(month_year, month, day, hour=17):
        return datetime(month_year, month, day, hour, 0, tzinfo=HANOI)

    period.self_assessment_deadline = at(year, 12, 15)
    period.appraisal_deadline = at(year + 1, 1, 15)
    period.explanation_deadline = at(year + 1, 1, 25)
    period.second_appraisal_deadline = at(year + 1, 2, 5)
    period.publication_deadline = at(year + 1, 2, 28)
    period.save()


def _unit_quality(rng: random.Random) -> float:
    """How well a unit does overall (0.55–0.98): units differ, as in published tables."""
    return min(0.98, max(0.55, rng.gauss(0.82, 0.09)))


def _qualities(assessments, rng, quality: dict[int, float]) -> dict[int, float]:
    """Each unit's quality this year: last year's, moved a little, so ranks change by a few
    places; a merged unit starts from the average of the units it replaced; a new unit from
    scratch. `quality` (unit id → quality) carries the years along."""
    predecessors: dict[int, list[int]] = {}
    for unit_id, old_id in Unit.predecessors.through.objects.filter(
        from_unit__in=[a.unit_id for a in assessments]
    ).values_list("from_unit_id", "to_unit_id"):
        predecessors.setdefault(unit_id, []).append(old_id)
    for assessment in assessments:
        unit_id = assessment.unit_id
        if unit_id in quality:
            before = [quality[unit_id]]
        else:
            before = [quality[pk] for pk in predecessors.get(unit_id, []) if pk in quality]
        if before:
            drifted = sum(before) / len(before) + rng.gauss(0, 0.04)
            quality[unit_id] = min(0.98, max(0.55, drifted))
        else:
            quality[unit_id] = _unit_quality(rng)
    return quality


def _self_points(
    item: IndexItem, quality: float, rng: random.Random
) -> tuple[Decimal, Decimal | None]:
    """Points (and the reported ratio, for ratio methods) a unit of this quality claims."""
    params = item.method_params
    if item.method in (ScoringMethod.LEVELS, ScoringMethod.YES_NO):
        levels = sorted((Decimal(level["points"]) for level in params["levels"]), reverse=True)
        index = 0 if rng.random() < quality else rng.randrange(len(levels))
        return levels[index], None
    if item.method in (ScoringMethod.RATIO_BANDS, ScoringMethod.PROPORTIONAL):
        ratio = Decimal(str(round(min(100.0, max(40.0, rng.gauss(quality * 110, 9))), 1)))
        return ratio_points(item.method, params, item.max_points, ratio), ratio
    steps = int(item.max_points / QUARTER)
    return QUARTER * round(steps * min(1.0, quality + rng.uniform(-0.1, 0.1))), None


def _score_assessment(
    assessment, items, rng, *, quality, appraise: bool, figures: list | None = None
) -> list[Score]:
    """The unit's scores; a data-fed item's figure goes to `figures` instead (when given) as
    (assessment, item, figure). Data items draw from `rng` as a self-scored item would, so the
    rest of the demo is the same whichever items are fed from data."""
    scores = []
    for item in items:
        if item.not_applicable_allowed and rng.random() < 0.12:
            if item.is_data_fed:
                continue
            scores.append(
                Score(
                    assessment=assessment,
                    item=item,
                    not_applicable=True,
                    not_applicable_reason="Đơn vị không có nhiệm vụ này trong năm.",
                )
            )
            continue
        if item.level in (ItemLevel.PENALTY, ItemLevel.BONUS):
            none_share = 0.85 if item.level == ItemLevel.PENALTY else 0.7
            draw = rng.random()
            if item.method == ScoringMethod.PER_CASE:
                # 1 to 3 cases, from the same draw: the demo's other figures stay as they were.
                count = Decimal(
                    0 if draw < none_share else 1 + int(3 * (draw - none_share) / (1 - none_share))
                )
                points = ratio_points(item.method, item.method_params, item.max_points, count)
                ratio = count
            else:
                points, ratio = (Decimal("0") if draw < none_share else item.max_points / 2), None
        else:
            points, ratio = _self_points(item, quality, rng)
        if item.is_data_fed:
            if appraise and points > 0:
                rng.random()  # the draw an appraiser's correction would have taken
            if figures is not None and ratio is not None:
                figures.append((assessment, item, ratio))
            continue
        score = Score(
            assessment=assessment,
            item=item,
            # As the form stores them: a reported ratio, whose rule gives the points.
            self_points=None if ratio is not None else points,
            self_ratio=ratio,
            self_note="Đã thực hiện theo kế hoạch; có văn bản kèm theo." if points else "",
        )
        if appraise and item.method == ScoringMethod.PER_CASE:
            # The council counts the cases again: one fewer when it lowers the line.
            lowered = points > 0 and rng.random() < 0.12
            score.appraisal_ratio = ratio - 1 if lowered else ratio
            score.appraisal_reason = (
                "Một trường hợp chưa có quyết định công nhận của cấp có thẩm quyền."
                if lowered
                else ""
            )
            score.final_ratio, score.final_reason = score.appraisal_ratio, score.appraisal_reason
        elif appraise:
            lowered = points > 0 and rng.random() < 0.12
            score.appraisal_points = max(Decimal(0), points - QUARTER) if lowered else points
            score.appraisal_reason = (
                "Tài liệu kiểm chứng chưa chứng minh đầy đủ kết quả." if lowered else ""
            )
            score.final_points, score.final_reason = score.appraisal_points, score.appraisal_reason
        scores.append(score)
    return scores


def _survey_results(assessment, items, rng, quality) -> list[SurveyResult]:
    results = []
    for item in items:
        ratio = Decimal(str(round(min(99.0, max(50.0, rng.gauss(quality * 100, 6))), 2)))
        respondents = rng.randint(40, 160)
        results.append(
            SurveyResult(
                assessment=assessment,
                item=item,
                respondents=respondents,
                ratio=ratio,
                points=(item.max_points * ratio / 100).quantize(Decimal("0.0001")),
                note="Kết quả điều tra xã hội học năm " + str(assessment.period.year),
            )
        )
    return results


def _items_by_set(period) -> dict[int, tuple[list[IndexItem], list[IndexItem]]]:
    grouped = {}
    for index_set in IndexSet.objects.filter(period=period, is_current=True):
        scored = list(
            index_set.items.filter(
                level__in=[ItemLevel.SUB_CRITERION, ItemLevel.BONUS, ItemLevel.PENALTY]
            ).order_by("position")
        )
        grouped[index_set.pk] = (
            [i for i in scored if not i.is_survey],
            [i for i in scored if i.is_survey],
        )
    return grouped


def _score_published_year(period, rng, quality) -> None:
    """A past year: scored, appraised and published as it happened, on 2 March of the next
    year, through the publication service (so it compares with the year before)."""
    items = _items_by_set(period)
    uploader = User.objects.get(username="noivu")
    scores, surveys, evidence_links, figures = [], [], [], []
    assessments = list(period.assessments.select_related("unit", "period"))
    _qualities(assessments, rng, quality)
    for assessment in assessments:
        unit_quality = quality[assessment.unit_id]
        direct, survey = items[assessment.index_set_id]
        scores += _score_assessment(
            assessment, direct, rng, quality=unit_quality, appraise=True, figures=figures
        )
        surveys += _survey_results(assessment, survey, rng, unit_quality)
        evidence_links.append((assessment, [i for i in direct if not i.is_data_fed]))
    Score.objects.bulk_create(scores, batch_size=2000)
    SurveyResult.objects.bulk_create(surveys, batch_size=2000)
    _feed(period, figures, uploader)
    _cite_documents(evidence_links, period.year, uploader, rng)
    submitted = datetime(period.year, 12, 12, 10, 0, tzinfo=HANOI)
    finalised = datetime(period.year + 1, 2, 10, 15, 0, tzinfo=HANOI)
    assessments_move(
        assessments=assessments, target=AssessmentStatus.APPRAISED, by=SYSTEM, reason=DEMO
    )
    # The year happened in the past: its moves carry the dates they would have had.
    Assessment.objects.filter(period=period).update(submitted_at=submitted, finalised_at=finalised)
    decision_number, decision_date, document_number = PUBLISHING[period.year]
    # The organiser's signer and recipients; the version's documents are rendered once the
    # demo is committed (eagerly under `make run`).
    period_publish(
        period=period,
        by=uploader,
        published_at=datetime(period.year + 1, 3, 2, 9, 0, tzinfo=HANOI),
        document=DocumentElements(
            document_number=document_number,
            decision_number=decision_number,
            decision_date=decision_date,
        ),
    )


def _cite_documents(evidence_links, year, uploader, rng) -> None:
    """A few documents per unit, each supporting several items — as units really file them."""
    documents = [
        ("KH", f"Kế hoạch cải cách hành chính năm {year}"),
        ("BC", f"Báo cáo kết quả thực hiện công tác CCHC năm {year}"),
        ("QĐ", "Quyết định ban hành quy chế làm việc, phân công nhiệm vụ"),
    ]
    evidence, supported = [], []
    for assessment, items in evidence_links:
        for index, (symbol, title) in enumerate(documents):
            evidence.append(
                Evidence(
                    assessment=assessment,
                    document_number=f"{rng.randint(5, 250)}/{symbol}-{assessment.unit.code}",
                    document_date=date(year, 1 + index * 5, rng.randint(1, 28)),
                    issuer=assessment.unit.name,
                    description=title,
                    uploaded_by=uploader,
                )
            )
            supported.append(items[index :: len(documents)])
    Evidence.objects.bulk_create(evidence, batch_size=2000)
    through = Evidence.items.through
    through.objects.bulk_create(
        [
            through(evidence_id=document.pk, indexitem_id=item.pk)
            for document, items in zip(evidence, supported, strict=True)
            for item in items
        ],
        batch_size=5000,
    )


def _start_current_year(period, rng, quality) -> None:
    """Some units are under way, a few have already submitted — as in the last weeks before the
    deadline."""
    items = _items_by_set(period)
    scores = []
    assessments = list(period.assessments.select_related("unit", "period").order_by("unit__code"))
    _qualities(assessments, rng, quality)
    submitted_units = {"SYT", "STC", "P-HOA-AN"}
    for assessment in assessments:
        unit_quality = quality[assessment.unit_id]
        direct, _survey = items[assessment.index_set_id]
        if assessment.unit.code in submitted_units:
            scores += _score_assessment(
                assessment, direct, rng, quality=unit_quality, appraise=False
            )
        elif rng.random() < 0.4:
            started = direct[: rng.randint(5, max(6, len(direct) // 2))]
            scores += _score_assessment(
                assessment, started, rng, quality=unit_quality, appraise=False
            )
    Score.objects.bulk_create(scores, batch_size=2000)
    _feed_open_year(period, assessments, quality)
    submitted = [a for a in assessments if a.unit.code in submitted_units]
    assessments_move(
        assessments=submitted, target=AssessmentStatus.SUBMITTED, by=SYSTEM, reason=DEMO
    )
    Assessment.objects.filter(pk__in=[a.pk for a in submitted]).update(
        submitted_at=datetime(CURRENT_YEAR, 11, 20, 9, 30, tzinfo=HANOI)
    )


def _feed(period, figures: list, uploader) -> None:
    """Home Affairs' upload of the year's 766 index: one data set, a figure per unit."""
    if not figures:
        return
    data_set = DataSet.objects.create(
        period=period,
        source=DATA_SOURCE_766,
        as_of=date(period.year, *DATA_AS_OF),
        file_name=f"bo-chi-so-766-{period.year}.xlsx",
        uploaded_by=uploader,
    )
    DataFigure.objects.bulk_create(
        DataFigure(assessment=assessment, item=item, data_set=data_set, figure=figure)
        for assessment, item, figure in figures
    )


def _feed_open_year(period, assessments, quality) -> None:
    """This year's figures for every department but a few (OPEN_YEAR_UNFED), drawn apart from
    the province's random sequence so the units' own entries stay as they were."""
    rng = random.Random(f"766-{period.year}")
    items = {
        item.index_set_id: item
        for item in IndexItem.objects.filter(index_set__period=period, index_set__is_current=True)
        .exclude(data_source="")
        .filter(level=ItemLevel.SUB_CRITERION)
    }
    figures = []
    for assessment in assessments:
        item = items.get(assessment.index_set_id)
        if item is None or assessment.unit.code in OPEN_YEAR_UNFED:
            continue
        index = min(100.0, max(50.0, rng.gauss(quality[assessment.unit_id] * 100, 5)))
        figures.append((assessment, item, Decimal(str(round(index, 1)))))
    _feed(period, figures, User.objects.get(username="noivu"))


def _improve_after(period, units) -> None:
    """What 2025's ranking led to (issue 15), through the same services as the pages: Home
    Affairs' province plan drafted from the lost points and issued (its PDF and Word copy
    rendered), Sở Tư pháp reporting one task done with a file, and a PAR inspection of Sở Tư
    pháp and Sở Y tế with findings — so 2026's form shows the lessons beside the items."""
    period.refresh_from_db()  # published since it was built: its status moved in the database
    officer = User.objects.get(username="noivu")
    plan, _created = plan_draft(period=period, unit=None, by=officer)
    plan_issue(
        plan=plan,
        header=PlanHeader(title=plan.title, document_number="15"),
        by=officer,
    )
    justice = units["STP"]
    task = plan.tasks.filter(owner_unit=justice).order_by("position").first()
    if task is not None:
        task_progress_report(
            task=task,
            by=User.objects.get(username="sotuphap"),
            status=TaskStatus.DONE,
            note="Đã ban hành Kế hoạch CCHC năm 2026 đúng hạn và kiểm tra việc thực hiện hằng "
            "quý; báo cáo kết quả gửi Sở Nội vụ.",
            files=[SimpleUploadedFile("Bao-cao-khac-phuc-STP.pdf", demo_pdf(), "application/pdf")],
        )
    visited = [justice, units["SYT"]]
    inspection = inspection_create(
        period=period,
        by=officer,
        data=VisitInput(
            title="Kiểm tra công tác cải cách hành chính năm 2025",
            visited_on=date(2025, 10, 14),
            team="Nguyễn Thị Mai — Sở Nội vụ, trưởng đoàn\nLê Văn Bình — Sở Tư pháp\n"
            "Phạm Thu Trang — Văn phòng UBND tỉnh",
            units=visited,
            summary="Đoàn kiểm tra làm việc tại 2 sở, kiểm tra hồ sơ kế hoạch CCHC, kiểm soát "
            "TTHC và việc tiếp nhận, giải quyết hồ sơ tại bộ phận một cửa.",
        ),
    )
    for unit, text, remedy, codes in (
        (
            justice,
            "Báo cáo CCHC quý III gửi chậm 12 ngày so với quy định.",
            "Gửi báo cáo định kỳ đúng thời hạn; phân công đầu mối theo dõi.",
            "1.2.1",
        ),
        (
            units["SYT"],
            "Còn 37 hồ sơ TTHC giải quyết quá hạn nhưng chưa có văn bản xin lỗi người dân.",
            "Rà soát, gửi văn bản xin lỗi và công khai kết quả xử lý hồ sơ quá hạn.",
            "3.3.1",
        ),
    ):
        finding_add(
            inspection=inspection,
            by=officer,
            data=FindingInput(unit=unit, text=text, remedy=remedy, item_codes=codes),
        )


def demo_pdf() -> bytes:
    """A one-page PDF, well formed (evidence files are opened with pypdf before they are
    stored): the demo's progress evidence."""
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
