"""Who is assessed and who does the work: unit kinds, organisers, the unit tree, ranking groups,
users and their role grants."""

import uuid
from pathlib import Path

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parindex.text import normalize_text

from .roles import ORGANISER_ROLES, Role

code_validator = RegexValidator(
    r"^[0-9A-Za-z][0-9A-Za-z._-]*$",
    _("A code may contain only letters without diacritics, digits, '.', '_' and '-'."),
)
document_code_validator = RegexValidator(
    r"^[A-Z0-9Đ]+(-[A-Z0-9Đ]+)*$",
    _("A document code is capital letters and digits, parts joined by '-', e.g. 'SNV'."),
)
year_validators = [MinValueValidator(2000), MaxValueValidator(2100)]


class NormalizedTextMixin:
    """Stores every text field in Unicode NFC so that 'Hòa' typed on two keyboards is one name."""

    def normalize_text_fields(self):
        for field in self._meta.concrete_fields:
            if isinstance(field, (models.CharField, models.TextField)):
                value = getattr(self, field.attname)
                if isinstance(value, str):
                    setattr(self, field.attname, normalize_text(value))

    def save(self, *args, **kwargs):
        self.normalize_text_fields()
        super().save(*args, **kwargs)


class UnitKind(NormalizedTextMixin, models.Model):
    """Department, district, commune… Kinds are data: provinces add and retire them."""

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(
        _("short name"),
        max_length=60,
        blank=True,
        help_text=_("Used after rank labels, e.g. '07/20 sở, ngành'."),
    )
    aliases = models.CharField(
        _("aliases"),
        max_length=200,
        blank=True,
        help_text=_("Other codes accepted in imported files, separated by commas."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("unit kind")
        verbose_name_plural = _("unit kinds")

    def __str__(self):
        return self.name

    @property
    def alias_list(self) -> list[str]:
        return [alias.strip().casefold() for alias in self.aliases.split(",") if alias.strip()]


class Organiser(NormalizedTextMixin, models.Model):
    """The body that runs an index for a set of units (a provincial Sở Nội vụ, a district's
    Phòng Nội vụ). Its names head the official documents."""

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    issuing_body = models.CharField(
        _("issuing body"),
        max_length=200,
        blank=True,
        help_text=_("Printed top left on official documents, e.g. 'UBND TỈNH HÒA BÌNH'."),
    )
    place_name = models.CharField(
        _("place name"),
        max_length=100,
        blank=True,
        help_text=_("Used in the dateline, e.g. 'Hòa Bình, ngày 15 tháng 01 năm 2027'."),
    )
    # Nghị định 30/2020: the issuer's part of a document's "Số: 12/BC-SNV" is the body's own
    # registered abbreviation, never derived from its name.
    document_code = models.CharField(
        _("document code"),
        max_length=20,
        blank=True,
        validators=[document_code_validator],
        help_text=_("The issuer's abbreviation in document numbers, e.g. 'SNV' in '12/BC-SNV'."),
    )
    signer_title = models.CharField(
        _("signer's title"),
        max_length=200,
        blank=True,
        help_text=_(
            "Printed above the signature, one line each, e.g. 'KT. GIÁM ĐỐC' and 'PHÓ GIÁM ĐỐC'."
        ),
    )
    signer_name = models.CharField(_("signer's name"), max_length=100, blank=True)
    recipients = models.TextField(
        _("recipients"),
        blank=True,
        help_text=_("The “Nơi nhận” of published reports, one recipient per line."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("organiser")
        verbose_name_plural = _("organisers")

    def __str__(self):
        return self.name


class RankingGroup(NormalizedTextMixin, models.Model):
    """Units ranked together ("07/20 sở, ngành"). A unit outside every group is assessed but
    not ranked."""

    organiser = models.ForeignKey(
        Organiser,
        on_delete=models.PROTECT,
        related_name="ranking_groups",
        verbose_name=_("organiser"),
    )
    code = models.CharField(_("code"), max_length=32, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    kind = models.ForeignKey(
        UnitKind,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ranking_groups",
        verbose_name=_("unit kind"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["organiser", "position", "code"]
        verbose_name = _("ranking group")
        verbose_name_plural = _("ranking groups")
        constraints = [
            models.UniqueConstraint(fields=["organiser", "code"], name="ranking_group_code_unique"),
        ]

    def __str__(self):
        return self.name


class Unit(NormalizedTextMixin, models.Model):
    """An administrative unit: a node of the province's tree, assessed yearly. Its code is
    unique within its organiser: two provinces on one instance may both have an "STP"."""

    code = models.CharField(_("code"), max_length=32, validators=[code_validator])
    name = models.CharField(_("name"), max_length=255)
    kind = models.ForeignKey(
        UnitKind, on_delete=models.PROTECT, related_name="units", verbose_name=_("unit kind")
    )
    organiser = models.ForeignKey(
        Organiser, on_delete=models.PROTECT, related_name="units", verbose_name=_("organiser")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent unit"),
    )
    ranking_group = models.ForeignKey(
        RankingGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
        verbose_name=_("ranking group"),
        help_text=_("Leave empty for a unit that is assessed but not ranked."),
    )
    active = models.BooleanField(_("active"), default=True)
    valid_from_year = models.PositiveSmallIntegerField(
        _("valid from (year)"), null=True, blank=True, validators=year_validators
    )
    valid_to_year = models.PositiveSmallIntegerField(
        _("valid to (year)"), null=True, blank=True, validators=year_validators
    )
    predecessors = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="successors",
        verbose_name=_("predecessor units"),
        help_text=_("Units merged into this one; last year's results compare with theirs."),
    )

    class Meta:
        ordering = ["kind__position", "code"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.UniqueConstraint(
                fields=["organiser", "code"],
                name="unit_code_unique_per_organiser",
                violation_error_message=_("This organiser already has a unit with this code."),
            ),
            models.CheckConstraint(
                condition=Q(valid_to_year__isnull=True)
                | Q(valid_from_year__isnull=True)
                | Q(valid_to_year__gte=F("valid_from_year")),
                name="unit_validity_years_ordered",
                violation_error_message=_("The end year must not be before the start year."),
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("id")),
                name="unit_not_own_parent",
                violation_error_message=_("A unit cannot be its own parent."),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if (
            self.ranking_group_id
            and self.organiser_id
            and self.ranking_group.organiser_id != self.organiser_id
        ):
            raise ValidationError(
                {"ranking_group": _("The ranking group belongs to another organiser.")}
            )
        seen = {self.pk} if self.pk else set()
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk in seen:
                raise ValidationError({"parent": _("The parent chain would form a cycle.")})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent

    def exists_in(self, year: int) -> bool:
        """Whether the unit is assessed in the given year (active and within its validity)."""
        if not self.active:
            return False
        if self.valid_from_year and year < self.valid_from_year:
            return False
        return not (self.valid_to_year and year > self.valid_to_year)

    def has_ended(self, year: int) -> bool:
        """Whether the unit is gone by `year` (inactive, or its last year is earlier). A unit
        that starts later has not ended: its staff are prepared before its first year."""
        return not self.active or bool(self.valid_to_year and self.valid_to_year < year)

    @staticmethod
    def not_ended_in(year: int) -> Q:
        """The query form of `not has_ended(year)`."""
        return Q(active=True) & (Q(valid_to_year__isnull=True) | Q(valid_to_year__gte=year))


class User(AbstractUser):
    """A portal account. Vietnamese names are written whole (family name first), so one field."""

    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.username

    def get_full_name(self):
        return self.full_name or super().get_full_name() or self.username

    def get_short_name(self):
        return self.full_name.split()[-1] if self.full_name else self.username

    def save(self, *args, **kwargs):
        self.full_name = normalize_text(self.full_name)
        super().save(*args, **kwargs)


class RoleGrant(models.Model):
    """One role held by one user, with its scope: a unit for unit staff, an organiser for the
    others; an appraiser may be narrowed to areas (by area code) and to a list of units."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="role_grants", verbose_name=_("user")
    )
    role = models.CharField(
        _("role"),
        max_length=32,
        choices=[(role.value, role.label) for role in Role if role != Role.SYSTEM_ADMIN],
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="staff_grants",
        verbose_name=_("unit"),
    )
    organiser = models.ForeignKey(
        Organiser,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_grants",
        verbose_name=_("organiser"),
    )
    area_codes = models.CharField(
        _("area codes"),
        max_length=100,
        blank=True,
        validators=[
            RegexValidator(
                r"^\s*[0-9A-Za-z.]+(\s*,\s*[0-9A-Za-z.]+)*\s*$",
                _("Write area codes separated by commas, e.g. '2, 7'."),
            )
        ],
        help_text=_("Appraisers only: the areas they appraise, e.g. '2, 7'. Empty = every area."),
    )
    scoped_units = models.ManyToManyField(
        Unit,
        blank=True,
        related_name="appraiser_grants",
        verbose_name=_("units in scope"),
        help_text=_(
            "Appraisers only: the units they appraise. Empty = every unit of the organiser."
        ),
    )

    class Meta:
        ordering = ["user", "role"]
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role=Role.UNIT_STAFF) | Q(unit__isnull=False, organiser__isnull=True),
                name="role_grant_staff_has_unit",
                violation_error_message=_("Unit staff must be linked to exactly one unit."),
            ),
            models.CheckConstraint(
                condition=Q(role=Role.UNIT_STAFF) | Q(organiser__isnull=False, unit__isnull=True),
                name="role_grant_organiser_role_has_organiser",
                violation_error_message=_(
                    "Appraisers, council chairs and Home Affairs officers are linked to an "
                    "organiser."
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "unit"],
                condition=Q(unit__isnull=False),
                name="role_grant_unique_per_unit",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "organiser"],
                condition=Q(organiser__isnull=False),
                name="role_grant_unique_per_organiser",
            ),
        ]

    def __str__(self):
        scope = self.unit or self.organiser
        return f"{self.user} — {self.get_role_display()} — {scope}"

    def clean(self):
        super().clean()
        if self.role != Role.APPRAISER and self.area_codes.strip():
            raise ValidationError({"area_codes": _("Only appraisers are limited to areas.")})

    @property
    def area_code_list(self) -> list[str]:
        return [code.strip() for code in self.area_codes.split(",") if code.strip()]

    @property
    def is_organiser_role(self) -> bool:
        return self.role in ORGANISER_ROLES


class UnitChangeKind(models.TextChoices):
    ADD = "add", _("Add a unit")
    RENAME = "rename", _("Rename")
    MERGE = "merge", _("Merge")
    SPLIT = "split", _("Split")
    DISSOLVE = "dissolve", _("Dissolve")


class UnitChange(NormalizedTextMixin, models.Model):
    """One reorganisation of the unit tree, as decided: the units it ends (`sources`), the
    units it creates or continues (`results`), the year from which it takes effect and its
    legal basis. Written by units.reorganisation; the periods it touches are adjusted by
    scoring.services.unit_changes."""

    organiser = models.ForeignKey(
        Organiser,
        on_delete=models.PROTECT,
        related_name="unit_changes",
        verbose_name=_("organiser"),
    )
    kind = models.CharField(_("change"), max_length=16, choices=UnitChangeKind.choices)
    year = models.PositiveSmallIntegerField(_("takes effect in (year)"), validators=year_validators)
    sources = models.ManyToManyField(
        Unit, blank=True, related_name="changes_as_source", verbose_name=_("units before")
    )
    results = models.ManyToManyField(
        Unit, blank=True, related_name="changes_as_result", verbose_name=_("units after")
    )
    old_name = models.CharField(_("old name"), max_length=255, blank=True)
    new_name = models.CharField(_("new name"), max_length=255, blank=True)
    decision_number = models.CharField(_("decision number"), max_length=100, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["-year", "-created_at", "-id"]
        verbose_name = _("unit change")
        verbose_name_plural = _("unit changes")

    def __str__(self):
        return _("%(change)s from %(year)s") % {
            "change": self.get_kind_display(),
            "year": self.year,
        }


class ImportJobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    READING = "reading", _("Reading the file")
    READY = "ready", _("Ready to confirm")
    APPLYING = "applying", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Not imported")
    CANCELLED = "cancelled", _("Cancelled")


def import_upload_to(job, filename: str) -> str:
    now = timezone.now()
    suffix = Path(filename).suffix.casefold()
    return f"imports/{now.year}/{now.month:02d}/{job.kind}-{uuid.uuid4().hex}{suffix}"


class ImportJob(models.Model):
    """An uploaded file read and checked by a worker (never a web process), its preview shown to
    the uploader, and applied in one transaction once confirmed (units.import_jobs)."""

    kind = models.CharField(_("kind"), max_length=40)
    owner = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="import_jobs", verbose_name=_("uploaded by")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("unit")
    )
    organiser = models.ForeignKey(
        Organiser, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("organiser")
    )
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    file = models.FileField(_("file"), upload_to=import_upload_to, max_length=300)
    filename = models.CharField(_("file name"), max_length=255)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ImportJobStatus.choices,
        default=ImportJobStatus.QUEUED,
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    summary = models.TextField(_("summary"), blank=True)
    preview = models.JSONField(_("preview"), default=list, blank=True)  # what will change
    problems = models.JSONField(_("problems"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.kind} {self.filename} ({self.get_status_display()})"

    @property
    def working(self) -> bool:
        return self.status in (
            ImportJobStatus.QUEUED,
            ImportJobStatus.READING,
            ImportJobStatus.APPLYING,
        )
