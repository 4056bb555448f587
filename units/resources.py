"""django-import-export resources for units, ranking groups and unit kinds (admin and commands).

Columns are explicit and codes are text; unknown references fail with a Vietnamese message."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from parindex.parsing import ParseError, parse_yes_no
from parindex.tabular import cell_text, escape_formula

from .models import Organiser, RankingGroup, Unit, UnitKind
from .services import organiser_by_code, ranking_group_resolve, unit_kind_resolve


class CodeWidget(widgets.CharWidget):
    """Codes are text even when Excel stored them as numbers (1.0 → '1')."""

    def clean(self, value, row=None, **kwargs):
        return cell_text(value)


class SafeTextWidget(widgets.CharWidget):
    """Text that Excel must never take for a formula on export."""

    def clean(self, value, row=None, **kwargs):
        return cell_text(value)

    def render(self, value, obj=None, **kwargs):
        return escape_formula(super().render(value, **kwargs))


class VietnameseBooleanWidget(widgets.BooleanWidget):
    """1/0, true/false, có/không, x/empty."""

    def __init__(self, default=None, **kwargs):
        super().__init__(**kwargs)
        self.default = default

    def clean(self, value, row=None, **kwargs):
        try:
            return parse_yes_no(value, label=kwargs.get("column", ""), default=self.default)
        except ParseError as exc:
            raise ValueError(str(exc)) from exc


class OptionalYearWidget(widgets.IntegerWidget):
    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return None
        if not text.isdigit():
            raise ValueError(_("“%(value)s” is not a year.") % {"value": value})
        return int(text)


class ReferenceWidget(widgets.Widget):
    """A reference by code, resolved by a callable that raises ValidationError when unknown;
    exported as the referenced object's code."""

    def __init__(self, resolve, **kwargs):
        super().__init__(**kwargs)
        self.resolve = resolve

    def clean(self, value, row=None, **kwargs):
        code = cell_text(value)
        if not code:
            return None
        try:
            return self.resolve(code, row or {})
        except ValidationError as exc:
            raise ValueError(" ".join(exc.messages)) from exc

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value.code


class UnitResource(resources.ModelResource):
    """Columns: code, name, kind, parent, group (ranking-group code, empty = unranked); optional
    organiser, active, valid_from_year, valid_to_year. Parents may come later in the file.

    A unit is known by its organiser and code (two provinces may both have an "STP"): a row
    updates its own organiser's unit, and a parent is looked for in that organiser first."""

    code = fields.Field(attribute="code", column_name="code", widget=CodeWidget())
    name = fields.Field(attribute="name", column_name="name", widget=SafeTextWidget())
    organiser = fields.Field(attribute="organiser", column_name="organiser")
    kind = fields.Field(attribute="kind", column_name="kind")
    parent = fields.Field(attribute="parent", column_name="parent")
    group = fields.Field(attribute="ranking_group", column_name="group")
    active = fields.Field(
        attribute="active", column_name="active", widget=VietnameseBooleanWidget(default=True)
    )
    valid_from_year = fields.Field(
        attribute="valid_from_year", column_name="valid_from_year", widget=OptionalYearWidget()
    )
    valid_to_year = fields.Field(
        attribute="valid_to_year", column_name="valid_to_year", widget=OptionalYearWidget()
    )

    class Meta:
        model = Unit
        import_id_fields = ("organiser", "code")
        fields = (
            "code",
            "name",
            "kind",
            "parent",
            "group",
            "organiser",
            "active",
            "valid_from_year",
            "valid_to_year",
        )
        export_order = fields
        skip_unchanged = False
        clean_model_instances = True
        use_transactions = True

    def __init__(self, default_organiser_code: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.default_organiser_code = default_organiser_code
        self.new_kinds: list[str] = []
        self.new_groups: list[str] = []
        self.fields["organiser"].widget = ReferenceWidget(self._organiser)
        self.fields["kind"].widget = ReferenceWidget(self._kind)
        self.fields["parent"].widget = ReferenceWidget(self._parent)
        self.fields["group"].widget = ReferenceWidget(self._group)

    def _organiser(self, code, row) -> Organiser:
        return organiser_by_code(code)

    def _kind(self, code, row) -> UnitKind:
        kind, created = unit_kind_resolve(code)
        if created:
            self.new_kinds.append(kind.code)
        return kind

    def _row_organiser(self, row) -> Organiser:
        return organiser_by_code(cell_text(row.get("organiser")) or self.default_organiser_code)

    def _parent(self, code, row) -> Unit:
        """The row's organiser's unit with this code; else the one unit of any organiser with
        it (a district's office may rank communes under the province's district unit)."""
        organiser = self._row_organiser(row)
        candidates = list(Unit.objects.filter(code=code).select_related("organiser"))
        own = [unit for unit in candidates if unit.organiser_id == organiser.pk]
        if own:
            return own[0]
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            raise ValidationError(
                _(
                    "Several organisers have a unit “%(code)s” (%(organisers)s) and %(own)s "
                    "has none: the parent is ambiguous."
                )
                % {
                    "code": code,
                    "organisers": ", ".join(sorted(u.organiser.code for u in candidates)),
                    "own": organiser.code,
                }
            )
        raise ValidationError(
            _("The parent unit “%(code)s” is neither in the file nor in the portal.")
            % {"code": code}
        )

    def _group(self, code, row) -> RankingGroup:
        organiser = self._row_organiser(row)
        kind = None
        if cell_text(row.get("kind")):
            kind, _created = unit_kind_resolve(cell_text(row.get("kind")))
        group, created = ranking_group_resolve(organiser=organiser, code=code, kind=kind)
        if created:
            self.new_groups.append(group.code)
        return group

    def before_import(self, dataset, **kwargs):
        """Headers in lower case; parents before their children so a file may list communes
        before their district."""
        dataset.headers = [cell_text(h).casefold() for h in dataset.headers]
        if "organiser" not in dataset.headers:
            # The organiser is part of a unit's identity; a file without it means the default.
            dataset.append_col([""] * len(dataset), header="organiser")
        if "parent" not in dataset.headers or "code" not in dataset.headers:
            return
        code_index, parent_index = dataset.headers.index("code"), dataset.headers.index("parent")
        organiser_index = (
            dataset.headers.index("organiser") if "organiser" in dataset.headers else None
        )
        rows = list(dataset)

        def key(row, code):  # (organiser, code): the same code may be in two provinces
            return (cell_text(row[organiser_index]).casefold(), code)

        by_key = {key(row, cell_text(row[code_index])): row for row in rows}
        by_code: dict[str, list] = {}
        for row in rows:
            by_code.setdefault(cell_text(row[code_index]), []).append(row)
        ordered, placed, visiting = [], set(), set()

        def parent_of(row):
            code = cell_text(row[parent_index])
            same = by_key.get(key(row, code))
            if same is not None:
                return same
            others = by_code.get(code, [])
            return others[0] if len(others) == 1 else None

        def place(row):
            this = key(row, cell_text(row[code_index]))
            if this in placed or this in visiting:
                return  # a cycle is reported by the model's own check
            visiting.add(this)
            parent = parent_of(row)
            if parent is not None and parent is not row:
                place(parent)
            visiting.discard(this)
            placed.add(this)
            ordered.append(row)

        for row in rows:
            place(row)
        del dataset[0 : len(dataset)]
        for row in ordered:
            dataset.append(row)

    def before_import_row(self, row, **kwargs):
        if not cell_text(row.get("organiser")):
            row["organiser"] = organiser_by_code(self.default_organiser_code).code

    def get_export_headers(self, selected_fields=None):
        return [field.column_name for field in self.get_export_fields(selected_fields)]


class RankingGroupResource(resources.ModelResource):
    """Columns: code, name, organiser (code; empty = the default organiser), kind, position."""

    code = fields.Field(attribute="code", column_name="code", widget=CodeWidget())
    name = fields.Field(attribute="name", column_name="name", widget=SafeTextWidget())
    organiser = fields.Field(
        attribute="organiser",
        column_name="organiser",
        widget=ReferenceWidget(lambda code, row: organiser_by_code(code)),
    )
    kind = fields.Field(
        attribute="kind",
        column_name="kind",
        widget=ReferenceWidget(lambda code, row: unit_kind_resolve(code, create=False)[0]),
    )

    class Meta:
        model = RankingGroup
        import_id_fields = ("organiser", "code")
        fields = ("code", "name", "organiser", "kind", "position")
        clean_model_instances = True

    def before_import(self, dataset, **kwargs):
        dataset.headers = [cell_text(h).casefold() for h in dataset.headers]
        if "organiser" not in dataset.headers:
            # The organiser is part of a group's identity; a file without it means the default.
            dataset.append_col([""] * len(dataset), header="organiser")

    def before_import_row(self, row, **kwargs):
        if not cell_text(row.get("organiser")):
            row["organiser"] = organiser_by_code(None).code


class UnitKindResource(resources.ModelResource):
    code = fields.Field(attribute="code", column_name="code", widget=CodeWidget())

    class Meta:
        model = UnitKind
        import_id_fields = ("code",)
        fields = ("code", "name", "short_name", "aliases", "position")
        clean_model_instances = True
