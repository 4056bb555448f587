"""django-import-export resources for index sets: one row per item in the `criteria` layout that
index_set_import reads back, and the bands."""

from import_export import fields, resources, widgets

from units.resources import CodeWidget, SafeTextWidget

from .models import Band, IndexItem, ItemLevel


class IndexItemResource(resources.ModelResource):
    code = fields.Field(attribute="code", column_name="code", widget=CodeWidget())
    name = fields.Field(attribute="name", column_name="name", widget=SafeTextWidget())
    max_points = fields.Field(
        attribute="max_points",
        column_name="max_points",
        widget=widgets.DecimalWidget(coerce_to_string=False),
    )
    method = fields.Field(column_name="method")
    rule = fields.Field(attribute="rule", column_name="rule", widget=SafeTextWidget())
    evidence_required = fields.Field(column_name="evidence_required")
    survey = fields.Field(column_name="survey")
    guidance = fields.Field(attribute="guidance", column_name="guidance", widget=SafeTextWidget())
    data_source = fields.Field(
        attribute="data_source", column_name="data_source", widget=SafeTextWidget()
    )

    class Meta:
        model = IndexItem
        fields = (
            "code",
            "name",
            "max_points",
            "method",
            "rule",
            "evidence_required",
            "survey",
            "guidance",
            "data_source",
        )
        export_order = fields

    def dehydrate_method(self, item: IndexItem) -> str:
        if item.level in (ItemLevel.BONUS, ItemLevel.PENALTY):
            return item.level
        return item.method if item.is_scored else ""

    def dehydrate_evidence_required(self, item: IndexItem):
        return int(item.evidence_required) if item.is_scored else ""

    def dehydrate_survey(self, item: IndexItem) -> int:
        return int(item.is_survey)

    def get_export_headers(self, selected_fields=None):
        return [field.column_name for field in self.get_export_fields(selected_fields)]


class BandResource(resources.ModelResource):
    label = fields.Field(attribute="label", column_name="label", widget=SafeTextWidget())
    min_percent = fields.Field(
        attribute="min_percent",
        column_name="min_percent",
        widget=widgets.DecimalWidget(coerce_to_string=False),
    )

    class Meta:
        model = Band
        fields = ("label", "min_percent")
        export_order = fields

    def get_export_headers(self, selected_fields=None):
        return [field.column_name for field in self.get_export_fields(selected_fields)]
