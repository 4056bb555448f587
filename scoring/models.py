"""The yearly cycle: periods, versioned index sets (area → criterion → sub-criterion, bonus and
penalty lines, bands), assessments and their scores, evidence, survey results, and the audit log."""

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parindex.dates import datetime_text
from units.models import NormalizedTextMixin, Organiser, Unit, UnitKind, year_validators

from .display import format_number
from .engine.model import FIGURE_METHODS, Level, Method
from .engine.model import TieBreaker as EngineTieBreaker
from .workflow import AssessmentStatus, PeriodStatus

ZERO = Decimal("0")


def points_field(verbose_name, **kwargs) -> models.DecimalField:
    """Points are exact decimals. Four places keep ratio- and survey-derived points exact enough
    that rounding happens only for display (see scoring.services.display)."""
    kwargs.setdefault("null", True)
    kwargs.setdefault("blank", True)
    return models.DecimalField(
        verbose_name, max_digits=9, decimal_places=4, validators=[MinValueValidator(ZERO)], **kwargs
    )


def max_points_field() -> models.DecimalField:
    return models.DecimalField(
        _("max points"), max_digits=7, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )


# The engine decides by plain enums (scoring.engine.model); these choices give their values
# Vietnamese labels, and a test keeps both lists equal.
class TieBreaker(models.TextChoices):
    NONE = EngineTieBreaker.NONE.value, _("Equal indices share a rank")
    POINTS = EngineTieBreaker.POINTS.value, _("Higher total points first")
    DIRECT_POINTS = (
        EngineTieBreaker.DIRECT_POINTS.value,
        _("Higher self-assessed/appraised points first"),
    )


class AssessmentPeriod(NormalizedTextMixin, models.Model):
    """One organiser's index for one year, with its deadlines."""

    organiser = models.ForeignKey(
        Organiser, on_delete=models.PROTECT, related_name="periods", verbose_name=_("organiser")
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=year_validators)
    name = models.CharField(_("name"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=32, choices=PeriodStatus.choices, default=PeriodStatus.SETUP
    )
    self_assessment_deadline = models.DateTimeField(
        _("self-assessment deadline"), null=True, blank=True
    )
    appraisal_deadline = models.DateTimeField(_("appraisal deadline"), null=True, blank=True)
    explanation_deadline = models.DateTimeField(_("explanation deadline"), null=True, blank=True)
    second_appraisal_deadline = models.DateTimeField(
        _("second appraisal deadline"), null=True, blank=True
    )
    publication_deadline = models.DateTimeField(_("planned publication"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    tie_breaker = models.CharField(
        _("tie-breaker"), max_length=20, choices=TieBreaker.choices, default=TieBreaker.NONE
    )

    DEADLINE_FIELDS = (
        "self_assessment_deadline",
        "appraisal_deadline",
        "explanation_deadline",
        "second_appraisal_deadline",
        "publication_deadline",
    )

    class Meta:
        ordering = ["-year", "organiser"]
        verbose_name = _("assessment period")
        verbose_name_plural = _("assessment periods")
        constraints = [
            models.UniqueConstraint(fields=["organiser", "year"], name="period_unique_per_year"),
        ]

    def __str__(self):
        return self.name or _("PAR Index %(year)s") % {"year": self.year}

    def clean(self):
        super().clean()
        previous_name, previous = None, None
        for name in self.DEADLINE_FIELDS:
            value = getattr(self, name)
            if value is None:
                continue
            if previous is not None and value < previous:
                raise ValidationError(
                    {
                        name: _("This deadline comes before the %(previous)s.")
                        % {"previous": self._meta.get_field(previous_name).verbose_name}
                    }
                )
            previous_name, previous = name, value


class IndexSet(NormalizedTextMixin, models.Model):
    """The index set used for one unit kind in one period. Corrections make a new version; exactly
    one version is current."""

    period = models.ForeignKey(
        AssessmentPeriod,
        on_delete=models.PROTECT,
        related_name="index_sets",
        verbose_name=_("assessment period"),
    )
    unit_kind = models.ForeignKey(
        UnitKind, on_delete=models.PROTECT, related_name="index_sets", verbose_name=_("unit kind")
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    is_current = models.BooleanField(_("current version"), default=True)
    name = models.CharField(_("name"), max_length=255, blank=True)
    source = models.CharField(
        _("source"), max_length=255, blank=True, help_text=_("Decision or file it came from.")
    )
    cloned_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="clones",
        verbose_name=_("cloned from"),
    )
    # The decision that issued this version (printed on reports, shown to units).
    decision_number = models.CharField(
        _("decision number"), max_length=100, blank=True, help_text=_("e.g. 1234/QĐ-UBND")
    )
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    decision_issuer = models.CharField(
        _("issued by"), max_length=255, blank=True, help_text=_("e.g. UBND tỉnh Hòa Bình")
    )
    # A version being prepared (typically a late decision replacing the current set): units
    # do not see it until Home Affairs applies it (scoring.services.index_set_replace).
    is_draft = models.BooleanField(_("draft"), default=False)
    bonus_cap = models.DecimalField(
        _("bonus cap"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
        help_text=_("Most bonus points a unit can receive in the period; empty = sum of lines."),
    )
    penalty_cap = models.DecimalField(
        _("penalty cap"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
        help_text=_("Most penalty points a unit can lose in the period; empty = sum of lines."),
    )
    points_step = models.DecimalField(
        _("points step"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        default=Decimal("0.25"),
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Typed points must be a multiple of this (e.g. 0,25); empty = any value."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["period", "unit_kind__position", "-version"]
        verbose_name = _("index set")
        verbose_name_plural = _("index sets")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "unit_kind", "version"], name="index_set_version_unique"
            ),
            models.UniqueConstraint(
                fields=["period", "unit_kind"],
                condition=Q(is_current=True),
                name="index_set_one_current_version",
                violation_error_message=_(
                    "There is already a current index set for this kind in this period."
                ),
            ),
        ]

    def __str__(self):
        label = self.name or _("Index set for %(kind)s") % {"kind": self.unit_kind}
        return f"{label} — {self.period.year} (v{self.version})"


class ItemLevel(models.TextChoices):
    AREA = Level.AREA.value, _("Area")
    CRITERION = Level.CRITERION.value, _("Criterion")
    SUB_CRITERION = Level.SUB_CRITERION.value, _("Sub-criterion")
    BONUS = Level.BONUS.value, _("Bonus line")
    PENALTY = Level.PENALTY.value, _("Penalty line")


# The only parent each level may have; bonus and penalty lines sit outside the 100-point tree.
PARENT_LEVEL = {
    ItemLevel.AREA: None,
    ItemLevel.CRITERION: ItemLevel.AREA,
    ItemLevel.SUB_CRITERION: ItemLevel.CRITERION,
    ItemLevel.BONUS: None,
    ItemLevel.PENALTY: None,
}
SCORED_LEVELS = (ItemLevel.SUB_CRITERION, ItemLevel.BONUS, ItemLevel.PENALTY)


class ScoringMethod(models.TextChoices):
    MANUAL = Method.MANUAL.value, _("Points entered directly")
    LEVELS = Method.LEVELS.value, _("Fixed levels")
    YES_NO = Method.YES_NO.value, _("Yes / no")
    RATIO_BANDS = Method.RATIO_BANDS.value, _("Bands over a reported ratio")
    PROPORTIONAL = Method.PROPORTIONAL.value, _("Proportional to a reported ratio")
    SURVEY = Method.SURVEY.value, _("Sociological survey")
    PER_CASE = Method.PER_CASE.value, _("Points per case, up to a cap")


class IndexItem(NormalizedTextMixin, models.Model):
    """A node of an index set: area, criterion or sub-criterion, or a bonus/penalty line."""

    index_set = models.ForeignKey(
        IndexSet, on_delete=models.CASCADE, related_name="items", verbose_name=_("index set")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    level = models.CharField(_("level"), max_length=20, choices=ItemLevel.choices)
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=500)
    guidance = models.TextField(_("guidance"), blank=True)
    max_points = max_points_field()
    method = models.CharField(
        _("scoring method"),
        max_length=20,
        choices=ScoringMethod.choices,
        default=ScoringMethod.MANUAL,
    )
    method_params = models.JSONField(
        _("method parameters"),
        default=dict,
        blank=True,
        help_text=_("Levels, bands or targets of the rule, as read from the rule text."),
    )
    rule = models.TextField(_("scoring rule"), blank=True)
    evidence_required = models.BooleanField(_("evidence required"), default=True)
    not_applicable_allowed = models.BooleanField(_("may be not applicable"), default=False)
    not_applicable_condition = models.CharField(
        _("when not applicable"), max_length=255, blank=True
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    # Filled: the item's figure comes from another system (DataFigure), its rule turns the
    # figure into points, and no unit or appraiser scores it.
    data_source = models.CharField(
        _("data source"),
        max_length=200,
        blank=True,
        help_text=_(
            "Filled in: the item is scored from a figure Home Affairs uploads from another "
            "system (e.g. the 766 index of the national public-service portal); units do not "
            "score it."
        ),
    )

    class Meta:
        ordering = ["index_set", "position"]
        verbose_name = _("index item")
        verbose_name_plural = _("index items")
        constraints = [
            models.UniqueConstraint(fields=["index_set", "code"], name="index_item_code_unique"),
            models.CheckConstraint(
                condition=Q(max_points__gte=0),
                name="index_item_max_points_not_negative",
                violation_error_message=_("Max points cannot be negative."),
            ),
        ]
        indexes = [models.Index(fields=["index_set", "level"])]

    def __str__(self):
        return f"{self.code}. {self.name}"

    @property
    def is_survey(self) -> bool:
        return self.method == ScoringMethod.SURVEY

    @property
    def is_data_fed(self) -> bool:
        return bool(self.data_source)

    @property
    def is_entered_by_home_affairs(self) -> bool:
        """Survey and data items: Home Affairs enters them, no unit or appraiser scores them."""
        return self.is_survey or self.is_data_fed

    @property
    def is_scored(self) -> bool:
        return self.level in SCORED_LEVELS

    def clean(self):
        super().clean()
        expected_parent_level = PARENT_LEVEL.get(self.level)
        if self.parent_id is None:
            if expected_parent_level is not None:
                raise ValidationError({"parent": _("This level needs a parent item.")})
        else:
            if expected_parent_level is None or self.parent.level != expected_parent_level:
                raise ValidationError(
                    {
                        "parent": _("A %(level)s cannot sit under a %(parent)s.")
                        % {
                            "level": self.get_level_display(),
                            "parent": self.parent.get_level_display(),
                        }
                    }
                )
            if self.parent.index_set_id != self.index_set_id:
                raise ValidationError({"parent": _("The parent belongs to another index set.")})
        if self.method == ScoringMethod.SURVEY and self.level != ItemLevel.SUB_CRITERION:
            raise ValidationError({"method": _("Only sub-criteria can come from the survey.")})
        problem = data_source_problem(method=self.method, data_source=self.data_source)
        if problem:
            raise ValidationError({"data_source": problem})


def data_source_problem(*, method: str, data_source: str) -> str | None:
    """Why an item scored by `method` cannot be fed from data; None when it can. The one rule
    the model, the editor and the index-set import share."""
    if not data_source or method in FIGURE_METHODS:
        return None
    label = ScoringMethod(method).label if method in ScoringMethod.values else method
    return _(
        "Only an item whose rule scores a figure (a ratio, proportional or per case) can be fed "
        "from data; this item's method is “%(method)s”."
    ) % {"method": label}


class Band(NormalizedTextMixin, models.Model):
    """Classification band of an index set: the highest band whose minimum the index reaches."""

    index_set = models.ForeignKey(
        IndexSet, on_delete=models.CASCADE, related_name="bands", verbose_name=_("index set")
    )
    label = models.CharField(_("label"), max_length=100)
    min_percent = models.DecimalField(
        _("minimum index (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal("100"))],
    )

    class Meta:
        ordering = ["index_set", "-min_percent"]
        verbose_name = _("classification band")
        verbose_name_plural = _("classification bands")
        constraints = [
            models.UniqueConstraint(fields=["index_set", "label"], name="band_label_unique"),
            models.UniqueConstraint(fields=["index_set", "min_percent"], name="band_min_unique"),
            models.CheckConstraint(
                condition=Q(min_percent__gte=0) & Q(min_percent__lte=100),
                name="band_min_percent_range",
                violation_error_message=_("A band's minimum must be between 0 and 100%."),
            ),
        ]

    def __str__(self):
        return f"{self.label} (≥ {format_number(self.min_percent, None)}%)"


class AssessmentQuerySet(models.QuerySet):
    def taking_part(self):
        """Assessments that count: ranked, appraised, published, in every total. A unit withdrawn
        by a reorganisation keeps its row and its data but leaves all of these."""
        return self.exclude(status=AssessmentStatus.WITHDRAWN)


class Assessment(models.Model):
    """One unit's assessment in one period, moving through the workflow in scoring.workflow."""

    period = models.ForeignKey(
        AssessmentPeriod,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("assessment period"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("unit")
    )
    index_set = models.ForeignKey(
        IndexSet, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("index set")
    )
    status = models.CharField(
        _("status"),
        max_length=32,
        choices=AssessmentStatus.choices,
        default=AssessmentStatus.DRAFT,
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # Set when Home Affairs reopens one unit after the deadline: that unit's own closing time.
    unit_deadline = models.DateTimeField(_("deadline for this unit"), null=True, blank=True)
    # The group the unit is ranked in for this period: membership belongs to the period, so
    # history stays right when groups change. Empty: assessed but not ranked.
    ranking_group = models.ForeignKey(
        "units.RankingGroup",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessments",
        verbose_name=_("ranking group"),
    )
    finalised_at = models.DateTimeField(_("appraisal finalised at"), null=True, blank=True)
    # When the council's questions reached the unit (the explanation round opened for it);
    # empty: its staff have been asked nothing, whatever the council drafted.
    explanation_sent_at = models.DateTimeField(
        _("explanation requested at"), null=True, blank=True, editable=False
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["period", "unit__kind__position", "unit__code"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.UniqueConstraint(fields=["period", "unit"], name="assessment_unique_per_period"),
        ]

    def __str__(self):
        return f"{self.unit} — {self.period.year}"

    @property
    def self_assessment_deadline(self):
        """The unit's closing time: the period's deadline, or later if Home Affairs reopened
        this unit (unit_deadline)."""
        deadlines = [d for d in (self.period.self_assessment_deadline, self.unit_deadline) if d]
        return max(deadlines) if deadlines else None

    def clean(self):
        super().clean()
        if self.index_set_id and self.period_id and self.index_set.period_id != self.period_id:
            raise ValidationError({"index_set": _("The index set belongs to another period.")})
        if self.index_set_id and self.unit_id and self.index_set.unit_kind_id != self.unit.kind_id:
            raise ValidationError({"index_set": _("The index set is for another kind of unit.")})
        if self.unit_id and self.period_id and self.unit.organiser_id != self.period.organiser_id:
            raise ValidationError({"unit": _("The unit is assessed by another organiser.")})


class ReviewRequest(models.TextChoices):
    NONE = "", _("None")
    EXPLANATION = "explanation", _("Explanation needed")
    SUPPLEMENT = "supplement", _("Supplement needed")


SCORE_POINT_FIELDS = ("self_points", "appraisal_points", "final_points")


class Score(models.Model):
    """One scored item of one assessment at every stage: self, appraisal round 1, explanation,
    round 2 (final). Survey items are not here: see SurveyResult."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="scores", verbose_name=_("assessment")
    )
    item = models.ForeignKey(
        IndexItem, on_delete=models.PROTECT, related_name="scores", verbose_name=_("item")
    )
    self_points = points_field(_("self-assessed points"))
    # The *_ratio fields hold the figure a rule scores: a ratio in %, or a count of cases.
    self_ratio = models.DecimalField(
        _("reported ratio (%)"),
        max_digits=9,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
    )
    self_note = models.TextField(_("unit's note"), blank=True)
    not_applicable = models.BooleanField(_("not applicable"), default=False)  # the unit's claim
    not_applicable_reason = models.TextField(_("reason not applicable"), blank=True)
    # The council's decision on "not applicable", per round; empty: the earlier stage's stands.
    appraisal_not_applicable = models.BooleanField(
        _("not applicable (appraisal)"), null=True, blank=True
    )
    final_not_applicable = models.BooleanField(_("not applicable (final)"), null=True, blank=True)
    appraisal_points = points_field(_("appraised points (round 1)"))
    appraisal_ratio = models.DecimalField(
        _("appraised ratio (%)"),
        max_digits=9,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
    )
    appraisal_reason = models.TextField(_("appraisal reason"), blank=True)
    review_request = models.CharField(
        _("request to the unit"),
        max_length=20,
        choices=ReviewRequest.choices,
        blank=True,
        default=ReviewRequest.NONE,
    )
    review_question = models.TextField(_("question to the unit"), blank=True)
    explanation_text = models.TextField(_("unit's explanation"), blank=True)
    explained_at = models.DateTimeField(_("explained at"), null=True, blank=True)
    final_points = points_field(_("final points (round 2)"))
    final_ratio = models.DecimalField(
        _("final ratio (%)"),
        max_digits=9,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
    )
    final_reason = models.TextField(_("final reason"), blank=True)
    # Who reviewed the item and when: round 1 (accepted or adjusted) and round 2 (final value
    # of an item the unit was asked about). Set means done; the values may still be empty (an
    # empty bonus line accepted as empty).
    appraised_at = models.DateTimeField(_("appraised at (round 1)"), null=True, blank=True)
    appraised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("appraised by (round 1)"),
    )
    final_at = models.DateTimeField(_("final value set at (round 2)"), null=True, blank=True)
    final_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("final value set by (round 2)"),
    )
    # The chair sends an item back to its appraiser with a note; the appraiser's next save
    # clears it. Finalisation waits while any item is returned.
    return_note = models.TextField(_("returned by the chair"), blank=True)
    # Optimistic lock: a save carrying an older version is refused, so no update is lost.
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    POINT_FIELDS = SCORE_POINT_FIELDS
    # The council's fields: a unit's staff never see them before publication (the questions
    # sent to them excepted).
    COUNCIL_FIELDS = frozenset(
        {
            "appraisal_points",
            "appraisal_ratio",
            "appraisal_reason",
            "appraisal_not_applicable",
            "final_points",
            "final_ratio",
            "final_reason",
            "final_not_applicable",
            "return_note",
        }
    )

    class Meta:
        ordering = ["assessment", "item__position"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "item"], name="score_unique_per_item"),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": 0}),
                    name=f"score_{name}_not_negative",
                    violation_error_message=_("Points cannot be negative."),
                )
                for name in SCORE_POINT_FIELDS
            ],
        ]

    def __str__(self):
        return f"{self.assessment} — {self.item.code}"

    def clean(self):
        super().clean()
        if not self.item_id:
            return
        if self.item.is_survey:
            raise ValidationError(
                {"item": _("Survey items are entered by Home Affairs as survey results.")}
            )
        if self.item.is_data_fed:
            raise ValidationError(
                {"item": _("Data-fed items are scored from the figures Home Affairs uploads.")}
            )
        if not self.item.is_scored:
            raise ValidationError(
                {"item": _("Only sub-criteria and bonus/penalty lines are scored.")}
            )
        if self.assessment_id and self.item.index_set_id != self.assessment.index_set_id:
            raise ValidationError({"item": _("The item belongs to another index set.")})
        errors = {}
        for name in self.POINT_FIELDS:
            value = getattr(self, name)
            if value is not None and value > self.item.max_points:
                errors[name] = _("%(points)s points exceed the maximum of %(max)s.") % {
                    "points": format_number(value, None),
                    "max": format_number(self.item.max_points, None),
                }
        if self.not_applicable and not self.item.not_applicable_allowed:
            errors["not_applicable"] = _("This item cannot be marked not applicable.")
        if errors:
            raise ValidationError(errors)


def evidence_upload_to(instance, filename):
    # Period/unit folders keep a unit's files together; the name is kept for the user's sake.
    return f"evidence/{instance.assessment.period.year}/{instance.assessment.unit.code}/{filename}"


class EvidenceStage(models.TextChoices):
    SELF_ASSESSMENT = "self", _("Self-assessment")
    EXPLANATION = "explanation", _("Explanation")


class Evidence(NormalizedTextMixin, models.Model):
    """A piece of evidence (tài liệu kiểm chứng): an uploaded file, a link, or a cited document.
    One document may support several items of the same assessment."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("assessment")
    )
    items = models.ManyToManyField(
        IndexItem, blank=True, related_name="evidence", verbose_name=_("items supported")
    )
    stage = models.CharField(
        _("stage"),
        max_length=20,
        choices=EvidenceStage.choices,
        default=EvidenceStage.SELF_ASSESSMENT,
    )
    file = models.FileField(_("file"), upload_to=evidence_upload_to, blank=True, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(_("content type"), max_length=120, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    document_date = models.DateField(_("document date"), null=True, blank=True)
    issuer = models.CharField(_("issued by"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["assessment", "uploaded_at"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        constraints = [
            models.CheckConstraint(
                condition=~Q(file="") | ~Q(url="") | ~Q(document_number=""),
                name="evidence_has_file_link_or_document",
                violation_error_message=_("Evidence needs a file, a link or a document number."),
            ),
        ]

    def __str__(self):
        return self.document_number or self.original_name or self.url


class SurveyResult(models.Model):
    """Survey points of one unit on one survey item, entered or imported by Home Affairs."""

    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.CASCADE,
        related_name="survey_results",
        verbose_name=_("assessment"),
    )
    item = models.ForeignKey(
        IndexItem, on_delete=models.PROTECT, related_name="survey_results", verbose_name=_("item")
    )
    respondents = models.PositiveIntegerField(_("respondents"), null=True, blank=True)
    answer_counts = models.JSONField(
        _("answers per option"), default=dict, blank=True, help_text=_('e.g. {"A": 40, "B": 12}')
    )
    ratio = models.DecimalField(
        _("result (%)"),
        max_digits=7,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal("100"))],
        help_text=_("Weighted answer average or satisfaction rate."),
    )
    points = points_field(_("points"))
    not_applicable = models.BooleanField(
        _("not applicable"),
        default=False,
        help_text=_("E.g. no citizen-facing procedures: the item leaves the unit's maximum."),
    )
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["assessment", "item__position"]
        verbose_name = _("survey result")
        verbose_name_plural = _("survey results")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "item"], name="survey_result_unique"),
            models.CheckConstraint(
                condition=Q(points__gte=0),
                name="survey_points_not_negative",
                violation_error_message=_("Points cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.assessment} — {self.item.code}"

    def clean(self):
        super().clean()
        if self.points is None and not self.not_applicable:
            raise ValidationError(
                {"points": _("Enter the points, or mark the item not applicable.")}
            )
        if not self.item_id:
            return
        if not self.item.is_survey:
            raise ValidationError({"item": _("This item is not a survey item.")})
        if self.points is not None and self.points > self.item.max_points:
            raise ValidationError(
                {
                    "points": _("%(points)s points exceed the maximum of %(max)s.")
                    % {
                        "points": format_number(self.points, None),
                        "max": format_number(self.item.max_points, None),
                    }
                }
            )


class DataSet(NormalizedTextMixin, models.Model):
    """One upload of figures from another system, dated by the day the figures describe."""

    period = models.ForeignKey(
        AssessmentPeriod,
        on_delete=models.CASCADE,
        related_name="data_sets",
        verbose_name=_("assessment period"),
    )
    source = models.CharField(_("source"), max_length=200)
    as_of = models.DateField(_("figures as of"))
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["period", "-uploaded_at"]
        verbose_name = _("data set")
        verbose_name_plural = _("data sets")

    def __str__(self):
        return f"{self.source} ({self.as_of:%d/%m/%Y})"


class DataFigure(models.Model):
    """The figure of one unit on one data-fed item (the latest upload that held it)."""

    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.CASCADE,
        related_name="data_figures",
        verbose_name=_("assessment"),
    )
    item = models.ForeignKey(
        IndexItem, on_delete=models.PROTECT, related_name="data_figures", verbose_name=_("item")
    )
    data_set = models.ForeignKey(
        DataSet, on_delete=models.PROTECT, related_name="figures", verbose_name=_("data set")
    )
    figure = models.DecimalField(
        _("figure"), max_digits=12, decimal_places=4, validators=[MinValueValidator(ZERO)]
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["assessment", "item__position"]
        verbose_name = _("data figure")
        verbose_name_plural = _("data figures")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "item"], name="data_figure_unique"),
            models.CheckConstraint(
                condition=Q(figure__gte=0),
                name="data_figure_not_negative",
                violation_error_message=_("A figure cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.assessment} — {self.item.code}"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError(f"{self.model.__name__} rows are append-only.")

    def delete(self):
        raise PermissionError(f"{self.model.__name__} rows are append-only.")


class AppendOnlyModel(models.Model):
    """Rows written once and never changed or deleted: the audit log and published results.
    Enforced here, read-only in the admin, and by a trigger on PostgreSQL."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError(f"{type(self).__name__} rows are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(f"{type(self).__name__} rows are append-only.")


class AuditAction(models.TextChoices):
    """Every kind of event the audit log records; scoring.services.audit has one constructor
    per event, so a call site can neither misspell one nor forget what it must say."""

    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")
    STATUS = "transition", _("Status change")
    SELF_SCORE = "self_score", _("Self-assessment")
    APPRAISAL = "appraisal", _("Appraisal, round 1")
    FINAL = "final", _("Final value, round 2")
    REQUEST = "request", _("Request to the unit")
    RETURN = "return", _("Returned by the chair")
    EXPLANATION = "explanation", _("Explanation")
    REOPEN = "reopen", _("Reopened")
    DEADLINE = "deadline", _("Deadline set")
    EXTEND_DEADLINE = "extend_deadline", _("Deadline extended")
    EVIDENCE_ADD = "evidence_add", _("Evidence added")
    EVIDENCE_ATTACH = "evidence_attach", _("Evidence attached")
    EVIDENCE_DETACH = "evidence_detach", _("Evidence taken off")
    EVIDENCE_DELETE = "evidence_delete", _("Evidence deleted")
    IMPORT = "import", _("Imported from a file")
    OPEN_ASSESSMENTS = "open_assessments", _("Assessments opened")
    IMPORT_INDEX_SET = "import_index_set", _("Index set imported")
    CLONE_INDEX_SET = "clone_index_set", _("Index set copied")
    PUBLISH = "publish", _("Published")
    EDIT_INDEX_SET = "edit_index_set", _("Index set edited")
    REPLACE_INDEX_SET = "replace_index_set", _("Index set replaced")
    UNIT_CHANGE = "unit_change", _("Unit reorganised")
    GROUP_CHANGE = "group_change", _("Ranking group changed")
    ACCOUNT = "account", _("Account")
    LOAD_DEMO = "load_demo", _("Demo data loaded")
    PLAN = "plan", _("Remediation plan")
    TASK_PROGRESS = "task_progress", _("Remediation progress reported")
    INSPECTION = "inspection", _("Inspection")


class AuditEntry(AppendOnlyModel):
    """Append-only record of a change: who, when, what, old and new value, why. Rows are never
    updated or deleted — enforced here, in the admin, and by a trigger on PostgreSQL."""

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    period = models.ForeignKey(
        AssessmentPeriod,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assessment period"),
    )
    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_entries",
        verbose_name=_("assessment"),
    )
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, verbose_name=_("object type")
    )
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=300)
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    field = models.CharField(_("field"), max_length=100, blank=True)
    old_value = models.TextField(_("old value"), blank=True)
    new_value = models.TextField(_("new value"), blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{datetime_text(self.created_at)} {self.object_repr} {self.field}"


def published_points_field(verbose_name, **kwargs) -> models.DecimalField:
    """Frozen results keep every digit the engine produced: scores carry 4 decimals and ratios
    4 more, so 8 places hold any result exactly (15 digits, within what SQLite keeps)."""
    return models.DecimalField(verbose_name, max_digits=15, decimal_places=8, **kwargs)


class Publication(AppendOnlyModel):
    """A published version of a period's results. Republishing after a correction adds the next
    version; earlier versions stay as they were published."""

    period = models.ForeignKey(
        AssessmentPeriod,
        on_delete=models.PROTECT,
        related_name="publications",
        verbose_name=_("assessment period"),
    )
    version = models.PositiveSmallIntegerField(_("version"))
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    reason = models.TextField(_("reason"), blank=True)
    tie_breaker = models.CharField(_("tie-breaker"), max_length=20, choices=TieBreaker.choices)
    structure = models.JSONField(
        _("index sets as published"),
        default=dict,
        help_text=_("Codes, names and maxima of the items, frozen with the results."),
    )
    # Survey or data items published without their input, each named by the officer:
    # [{"unit_code", "unit_name", "item_code", "item_name", "kind", "reason"}], shown in the
    # published report's notes.
    exceptions = models.JSONField(_("exceptions"), default=list, blank=True)
    # The official document's elements (Nghị định 30/2020), fixed with the version: the report's
    # number ("Số: 12/BC-SNV" — the organiser's document code follows the number), the
    # publishing decision, the signer and "Nơi nhận". Defaults come from the organiser.
    document_number = models.CharField(_("document number"), max_length=20, blank=True)
    decision_number = models.CharField(_("decision number"), max_length=50, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=200, blank=True)
    signer_name = models.CharField(_("signer's name"), max_length=100, blank=True)
    recipients = models.TextField(_("recipients"), blank=True)

    class Meta:
        ordering = ["period", "-version"]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        constraints = [
            models.UniqueConstraint(fields=["period", "version"], name="publication_version_unique")
        ]

    def __str__(self):
        return _("%(period)s — published version %(version)s") % {
            "period": self.period,
            "version": self.version,
        }


class PublishedUnitResult(AppendOnlyModel):
    """One unit's result as published: totals, band, rank, last year's basis of comparison,
    and the breakdown by area, criterion and sub-criterion (JSON, decimals as strings)."""

    publication = models.ForeignKey(
        Publication,
        on_delete=models.PROTECT,
        related_name="unit_results",
        verbose_name=_("publication"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="published_results", verbose_name=_("unit")
    )
    index_set = models.ForeignKey(
        IndexSet, on_delete=models.PROTECT, related_name="+", verbose_name=_("index set")
    )
    unit_code = models.CharField(_("unit code"), max_length=32)
    unit_name = models.CharField(_("unit name"), max_length=255)
    kind_code = models.CharField(_("unit kind"), max_length=32)
    group_code = models.CharField(_("ranking group"), max_length=32, blank=True)
    group_name = models.CharField(_("ranking group name"), max_length=200, blank=True)
    max_points = published_points_field(_("own maximum"))
    direct_points = published_points_field(_("self-assessed/appraised points"))
    survey_points = published_points_field(_("survey points"))
    bonus_points = published_points_field(_("bonus points"))
    penalty_points = published_points_field(_("penalty points"))
    total_points = published_points_field(_("total points"))
    band = models.CharField(_("classification"), max_length=100, blank=True)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    rank_of = models.PositiveIntegerField(_("units ranked"), null=True, blank=True)
    previous_rank = models.PositiveIntegerField(_("last year's rank"), null=True, blank=True)
    previous_max_points = published_points_field(_("last year's maximum"), null=True, blank=True)
    previous_total_points = published_points_field(
        _("last year's total points"), null=True, blank=True
    )
    previous_combined = models.BooleanField(
        _("last year combines merged units"),
        default=False,
        help_text=_("Last year's figures add up the units this one replaced."),
    )
    breakdown = models.JSONField(_("breakdown"), default=dict)
    position = models.PositiveIntegerField(_("position"))
    # The unit never submitted its self-assessment: published with what the council entered.
    never_submitted = models.BooleanField(_("never submitted"), default=False)

    class Meta:
        ordering = ["publication", "position"]
        verbose_name = _("published unit result")
        verbose_name_plural = _("published unit results")
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "unit"], name="published_result_unique_per_unit"
            )
        ]

    def __str__(self):
        return f"{self.unit_name} — {self.publication}"


class NotificationKind(models.TextChoices):
    EXPLANATION_REQUESTED = "explanation_requested", _("Explanation requested")
    DEADLINE_NEAR = "deadline_near", _("Deadline approaching")
    EXPLANATION_ANSWERED = "explanation_answered", _("Explanation answered")
    APPRAISAL_FINALISED = "appraisal_finalised", _("Appraisal finalised")
    ITEM_RETURNED = "item_returned", _("Item returned by the chair")
    DEADLINE_CHANGED = "deadline_changed", _("Deadline changed")
    INDEX_SET_REPLACED = "index_set_replaced", _("Index set replaced")
    UNIT_REORGANISED = "unit_reorganised", _("Unit reorganised")
    TASK_ASSIGNED = "task_assigned", _("Remediation task assigned")
    TASK_DEADLINE_NEAR = "task_deadline_near", _("Remediation task due soon")


class Notification(models.Model):
    """One event told to one user: listed in their inbox and sent by e-mail."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=NotificationKind.choices)
    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("assessment"),
    )
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("message"))
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    # Events that a periodic job may find twice (a reminder) carry a key: sent once per user.
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="notification_once_per_key",
            ),
        ]

    def __str__(self):
        return self.subject


class RedoKind(models.TextChoices):
    ABOVE_MAX = "above_max", _("Above the new maximum")
    REMOVED = "removed", _("Item removed")


class RedoStage(models.TextChoices):
    SELF = "self", _("Self-assessment")
    APPRAISAL = "appraisal", _("Appraisal, round 1")
    FINAL = "final", _("Final value, round 2")
    SURVEY = "survey", _("Survey result")


class ScoreRedo(models.Model):
    """A score that no longer fits after an index set was replaced mid-period (points above the
    new maximum, or an item removed without a mapping). The points are cleared on the score but
    kept here, and the unit's next save of the item resolves the entry."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="redos", verbose_name=_("assessment")
    )
    item = models.ForeignKey(
        IndexItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="redos",
        verbose_name=_("item in the new version"),
    )
    old_code = models.CharField(_("old code"), max_length=20)
    old_name = models.CharField(_("old name"), max_length=500)
    stage = models.CharField(_("stage"), max_length=20, choices=RedoStage.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=RedoKind.choices)
    old_points = points_field(_("old points"))
    old_note = models.TextField(_("old note"), blank=True)
    old_max = models.DecimalField(_("old maximum"), max_digits=7, decimal_places=2)
    new_max = models.DecimalField(_("new maximum"), max_digits=7, decimal_places=2, null=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        ordering = ["assessment", "old_code", "stage"]
        verbose_name = _("score to redo")
        verbose_name_plural = _("scores to redo")
        indexes = [models.Index(fields=["assessment", "resolved_at"])]

    def __str__(self):
        return f"{self.assessment} — {self.old_code} ({self.get_kind_display()})"


# ---------------------------------------------------------------- improvement (after publication)


class PlanKind(models.TextChoices):
    CONCLUSION = "conclusion", _("Notice of conclusions")
    REMEDIATION = "remediation", _("Remediation plan")


class PlanStatus(models.TextChoices):
    # Not the assessment's "Draft" (Đang tự đánh giá): a plan being drafted is a dự thảo.
    DRAFT = "draft", _("Being drafted")
    ISSUED = "issued", _("Issued")


class RemediationPlan(NormalizedTextMixin, models.Model):
    """What a published ranking leads to: for the province (drafted by Home Affairs, `unit`
    empty) or for one unit (drafted by its own staff), tasks assigned unit by unit. Issued once
    as an official document (Nghị định 30 layout); after that only progress changes."""

    period = models.ForeignKey(
        AssessmentPeriod,
        on_delete=models.PROTECT,
        related_name="remediation_plans",
        verbose_name=_("assessment period"),
    )
    publication = models.ForeignKey(
        Publication,
        on_delete=models.PROTECT,
        related_name="remediation_plans",
        verbose_name=_("publication"),
        help_text=_("The published results the plan draws its lost points from."),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="remediation_plans",
        verbose_name=_("unit"),
        help_text=_("Empty for the province's plan, drafted by Home Affairs."),
    )
    kind = models.CharField(
        _("document"), max_length=20, choices=PlanKind.choices, default=PlanKind.REMEDIATION
    )
    status = models.CharField(
        _("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    title = models.CharField(_("title"), max_length=300)
    conclusion = models.TextField(
        _("conclusions"),
        blank=True,
        help_text=_("The assessment of the results: weak areas, causes, what must change."),
    )
    target_rank = models.PositiveIntegerField(_("target rank"), null=True, blank=True)
    # The official document's elements (Nghị định 30/2020), fixed when the plan is issued.
    document_number = models.CharField(_("document number"), max_length=30, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=200, blank=True)
    signer_name = models.CharField(_("signer's name"), max_length=100, blank=True)
    recipients = models.TextField(_("recipients"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("drafted by"),
    )
    created_at = models.DateTimeField(_("drafted at"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)

    class Meta:
        # The province's plan (no unit) first, on every database: PostgreSQL sorts NULL last.
        ordering = ["period", models.F("unit__code").asc(nulls_first=True), "pk"]
        verbose_name = _("remediation plan")
        verbose_name_plural = _("remediation plans")
        constraints = [
            models.UniqueConstraint(fields=["period", "unit"], name="plan_one_per_unit"),
            models.UniqueConstraint(
                fields=["period"], condition=Q(unit=None), name="plan_one_per_province"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_issued(self) -> bool:
        return self.status == PlanStatus.ISSUED


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class InspectionFinding(NormalizedTextMixin, models.Model):
    """A shortcoming an inspection team found at one unit, linked to the index items it
    concerns; it may become a remediation task."""

    inspection = models.ForeignKey(
        "Inspection",
        on_delete=models.CASCADE,
        related_name="findings",
        verbose_name=_("inspection"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="inspection_findings", verbose_name=_("unit")
    )
    text = models.TextField(_("finding"))
    remedy = models.TextField(_("what must be remedied"), blank=True)
    items = models.ManyToManyField(
        IndexItem, blank=True, related_name="inspection_findings", verbose_name=_("index items")
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["inspection", "unit__code", "position", "pk"]
        verbose_name = _("inspection finding")
        verbose_name_plural = _("inspection findings")

    def __str__(self):
        return self.text[:80]


class Inspection(NormalizedTextMixin, models.Model):
    """An inspection visit (kiểm tra công tác CCHC) by Home Affairs: team, date, units."""

    period = models.ForeignKey(
        AssessmentPeriod,
        on_delete=models.PROTECT,
        related_name="inspections",
        verbose_name=_("assessment period"),
    )
    title = models.CharField(_("title"), max_length=300)
    visited_on = models.DateField(_("date of the visit"))
    team = models.TextField(_("inspection team"), help_text=_("One member per line."))
    units = models.ManyToManyField(
        Unit, related_name="inspections", verbose_name=_("units visited")
    )
    summary = models.TextField(_("summary"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["period", "-visited_on", "pk"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")

    def __str__(self):
        return self.title


class RemediationTask(NormalizedTextMixin, models.Model):
    """One task of a plan: an owner unit (and optionally a person), a deadline, the index items
    it addresses and a measurable target. Its status moves by progress reports only."""

    plan = models.ForeignKey(
        RemediationPlan, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("plan")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    title = models.TextField(_("task"))
    owner_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="remediation_tasks",
        verbose_name=_("responsible unit"),
    )
    owner_person = models.CharField(_("person in charge"), max_length=200, blank=True)
    deadline = models.DateField(_("deadline"))
    items = models.ManyToManyField(
        IndexItem, blank=True, related_name="remediation_tasks", verbose_name=_("index items")
    )
    measurable_target = models.CharField(_("measurable target"), max_length=300)
    lost_points = models.DecimalField(
        _("points lost"),
        max_digits=15,
        decimal_places=8,
        null=True,
        blank=True,
        help_text=_("Points the unit lost on these items in the published results."),
    )
    finding = models.ForeignKey(
        InspectionFinding,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("inspection finding"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    outcome = models.TextField(_("outcome"), blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)

    class Meta:
        ordering = ["plan", "position", "pk"]
        verbose_name = _("remediation task")
        verbose_name_plural = _("remediation tasks")
        indexes = [models.Index(fields=["owner_unit", "status"])]

    def __str__(self):
        return self.title[:80]


class TaskProgress(NormalizedTextMixin, AppendOnlyModel):
    """A progress report by the owner unit: the status it reaches, what was done, files."""

    task = models.ForeignKey(
        RemediationTask,
        on_delete=models.PROTECT,
        related_name="progress_reports",
        verbose_name=_("task"),
    )
    status = models.CharField(_("status"), max_length=20, choices=TaskStatus.choices)
    note = models.TextField(_("what was done"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reported by"),
    )
    reported_at = models.DateTimeField(_("reported at"), auto_now_add=True)

    class Meta:
        ordering = ["task", "reported_at", "pk"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")

    def __str__(self):
        return f"{self.task} — {self.get_status_display()}"


class ImprovementFile(models.Model):
    """A file of the improvement work — evidence of progress or an inspection's document —
    checked and stored as evidence files are (scoring.services.evidence)."""

    progress = models.ForeignKey(
        TaskProgress,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="files",
        verbose_name=_("progress report"),
    )
    inspection = models.ForeignKey(
        Inspection,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="files",
        verbose_name=_("inspection"),
    )
    file = models.FileField(_("file"), upload_to="improvement/", max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("improvement file")
        verbose_name_plural = _("improvement files")
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__isnull=False) | Q(inspection__isnull=False),
                name="improvement_file_belongs_somewhere",
            )
        ]

    def __str__(self):
        return self.original_name
