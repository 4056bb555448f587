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
