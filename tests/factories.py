"""factory_boy factories for every model tests build — the one place test data is shaped."""

from decimal import Decimal

import factory

from scoring.models import (
    Assessment,
    AssessmentPeriod,
    Band,
    IndexItem,
    IndexSet,
    ItemLevel,
    Score,
    ScoringMethod,
)
from units.models import Organiser, RankingGroup, RoleGrant, Unit, UnitKind, User
from units.roles import Role


class OrganiserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organiser
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"org-{n}")
    name = factory.Sequence(lambda n: f"Sở Nội vụ tỉnh {n}")


class UnitKindFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnitKind
        django_get_or_create = ("code",)

    code = "department"
    name = "Sở, ban, ngành"


class RankingGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RankingGroup

    organiser = factory.SubFactory(OrganiserFactory)
    code = factory.Sequence(lambda n: f"group-{n}")
    name = factory.Sequence(lambda n: f"Nhóm {n}")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"U{n:03d}")
    name = factory.Sequence(lambda n: f"Sở thứ {n}")
    kind = factory.SubFactory(UnitKindFactory)
    organiser = factory.SubFactory(OrganiserFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    password = factory.django.Password("secret-pass-123")


class RoleGrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleGrant

    user = factory.SubFactory(UserFactory)
    role = Role.UNIT_STAFF


class PeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssessmentPeriod

    organiser = factory.SubFactory(OrganiserFactory)
    year = 2026


class IndexSetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndexSet

    period = factory.SubFactory(PeriodFactory)
    unit_kind = factory.SubFactory(UnitKindFactory)


class IndexItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndexItem

    index_set = factory.SubFactory(IndexSetFactory)
    level = ItemLevel.SUB_CRITERION
    code = factory.Sequence(lambda n: f"9.9.{n}")
    name = factory.Sequence(lambda n: f"Tiêu chí thành phần {n}")
    max_points = Decimal("2")
    method = ScoringMethod.MANUAL


class BandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Band

    index_set = factory.SubFactory(IndexSetFactory)
    label = "Tốt"
    min_percent = Decimal("80")


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment

    period = factory.SubFactory(PeriodFactory)
    unit = factory.SubFactory(UnitFactory, organiser=factory.SelfAttribute("..period.organiser"))
    index_set = factory.SubFactory(
        IndexSetFactory,
        period=factory.SelfAttribute("..period"),
        unit_kind=factory.SelfAttribute("..unit.kind"),
    )
    # Membership belongs to the period; by default the unit's group when it is assessed.
    ranking_group = factory.SelfAttribute("unit.ranking_group")


class ScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Score

    assessment = factory.SubFactory(AssessmentFactory)
    item = factory.SubFactory(
        IndexItemFactory, index_set=factory.SelfAttribute("..assessment.index_set")
    )


def small_tree(index_set: IndexSet) -> dict[str, IndexItem]:
    """Area 1 (3 pts) → criterion 1.1 (3) → 1.1.1 (1, yes/no) and 1.1.2 (2, N/A allowed)."""
    area = IndexItem.objects.create(
        index_set=index_set,
        level=ItemLevel.AREA,
        code="1",
        name="Công tác chỉ đạo, điều hành",
        max_points=Decimal("3"),
        position=1,
    )
    criterion = IndexItem.objects.create(
        index_set=index_set,
        level=ItemLevel.CRITERION,
        code="1.1",
        name="Kế hoạch CCHC",
        parent=area,
        max_points=Decimal("3"),
        position=2,
    )
    first = IndexItem.objects.create(
        index_set=index_set,
        level=ItemLevel.SUB_CRITERION,
        code="1.1.1",
        parent=criterion,
        name="Ban hành kế hoạch",
        max_points=Decimal("1"),
        method=ScoringMethod.YES_NO,
        method_params={
            "levels": [{"label": "Có", "points": "1"}, {"label": "Không", "points": "0"}]
        },
        rule="Có: 1; không: 0",
        position=3,
    )
    second = IndexItem.objects.create(
        index_set=index_set,
        level=ItemLevel.SUB_CRITERION,
        code="1.1.2",
        parent=criterion,
        name="Xử lý vấn đề phát hiện",
        max_points=Decimal("2"),
        method=ScoringMethod.MANUAL,
        not_applicable_allowed=True,
        position=4,
    )
    return {"area": area, "criterion": criterion, "1.1.1": first, "1.1.2": second}


def survey_branch(
    index_set: IndexSet, *, max_points: Decimal, params: dict | None = None
) -> IndexItem:
    """Area 2 → criterion 2.1 → survey sub-criterion 2.1.1 of `max_points`, after small_tree."""
    area = IndexItem.objects.create(
        index_set=index_set,
        level=ItemLevel.AREA,
        code="2",
        name="Khảo sát",
        max_points=max_points,
        position=10,
    )
    criterion = IndexItem.objects.create(
        index_set=index_set,
        level=ItemLevel.CRITERION,
        code="2.1",
        name="Hài lòng",
        parent=area,
        max_points=max_points,
        position=11,
    )
    return IndexItem.objects.create(
        index_set=index_set,
        level=ItemLevel.SUB_CRITERION,
        code="2.1.1",
        parent=criterion,
        name="Mức độ hài lòng",
        max_points=max_points,
        method=ScoringMethod.SURVEY,
        method_params=params or {},
        position=12,
    )


def data_item(
    index_set: IndexSet, parent: IndexItem, *, code: str = "1.1.3", position: int = 5
) -> IndexItem:
    """A data-fed sub-criterion under `parent` (2 points): 766 index ≥ 90 full, else share."""
    return IndexItem.objects.create(
        index_set=index_set,
        level=ItemLevel.SUB_CRITERION,
        code=code,
        parent=parent,
        name="Điểm Bộ chỉ số 766",
        max_points=Decimal("2"),
        method=ScoringMethod.PROPORTIONAL,
        method_params={"target": "100", "full_at": "90"},
        rule="Tỷ lệ thuận: điểm tối đa × (điểm 766 / 100); từ 90 điểm: điểm tối đa",
        data_source="Cổng Dịch vụ công quốc gia",
        position=position,
    )


def methods_tree(index_set: IndexSet) -> dict[str, IndexItem]:
    """One sub-criterion per self-scored method under area 1 (10 points), a survey area 2 and a
    bonus line — the shapes the self-assessment form must handle.

    1.1.1 levels 0,5/0,25/0 · 1.1.2 yes/no 1 · 1.1.3 ratio bands 2 with another case
    · 1.1.4 proportional 1,5 · 1.1.5 manual 5, may be N/A · 2.1.1 survey 4 · T1 bonus 1."""
    from scoring.rules import parse_rule

    def add(code, level, max_points, parent=None, rule="", method=None, **extra):
        parsed = parse_rule(rule, Decimal(max_points), method) if rule or method else None
        return IndexItem.objects.create(
            index_set=index_set,
            level=level,
            code=code,
            name=extra.pop("name", f"Mục {code}"),
            parent=parent,
            max_points=Decimal(max_points),
            method=parsed.method if parsed else ScoringMethod.MANUAL,
            method_params=parsed.params if parsed else {},
            rule=rule,
            position=len(items),
            **extra,
        )

    items: dict[str, IndexItem] = {}
    items["1"] = add("1", ItemLevel.AREA, "10", name="Công tác chỉ đạo, điều hành")
    items["1.1"] = add("1.1", ItemLevel.CRITERION, "10", items["1"], name="Kế hoạch CCHC")
    items["1.1.1"] = add(
        "1.1.1",
        ItemLevel.SUB_CRITERION,
        "0.5",
        items["1.1"],
        "Ban hành kịp thời: 0,5; ban hành chậm: 0,25; không ban hành: 0",
        ScoringMethod.LEVELS,
    )
    items["1.1.2"] = add(
        "1.1.2", ItemLevel.SUB_CRITERION, "1", items["1.1"], "Có: 1; Không: 0", ScoringMethod.YES_NO
    )
    items["1.1.3"] = add(
        "1.1.3",
        ItemLevel.SUB_CRITERION,
        "2",
        items["1.1"],
        "100%: 2; 90% - <100%: 1; <90%: 0; không có hồ sơ phải giải quyết: điểm tối đa",
        ScoringMethod.RATIO_BANDS,
    )
    items["1.1.4"] = add(
        "1.1.4",
        ItemLevel.SUB_CRITERION,
        "1.5",
        items["1.1"],
        "Tỷ lệ thuận với tỷ lệ hoàn thành",
        ScoringMethod.PROPORTIONAL,
    )
    items["1.1.5"] = add(
        "1.1.5",
        ItemLevel.SUB_CRITERION,
        "5",
        items["1.1"],
        not_applicable_allowed=True,
        not_applicable_condition="Đơn vị không có đơn vị trực thuộc",
    )
    items["2"] = add("2", ItemLevel.AREA, "4", name="Khảo sát sự hài lòng")
    items["2.1"] = add("2.1", ItemLevel.CRITERION, "4", items["2"], name="Hài lòng")
    items["2.1.1"] = add(
        "2.1.1",
        ItemLevel.SUB_CRITERION,
        "4",
        items["2.1"],
        "Điều tra xã hội học",
        ScoringMethod.SURVEY,
    )
    items["T1"] = add("T1", ItemLevel.BONUS, "1", name="Sáng kiến CCHC được công nhận")
    return items
