"""Forms of Home Affairs' survey and data uploads: the file, and for data the items, the
source and the day the figures describe."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parindex.admin_imports import ImportFileForm


class SurveyUploadForm(ImportFileForm):
    pass


class DataUploadForm(ImportFileForm):
    items = forms.MultipleChoiceField(
        label=gettext_lazy("Items the figures are for"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "Pick one item, or leave them all and give an item code on every row of the file."
        ),
    )
    source = forms.CharField(
        label=gettext_lazy("Source of the figures"),
        max_length=200,
        error_messages={"required": gettext_lazy("Name the source of the figures.")},
        widget=forms.TextInput(
            attrs={"placeholder": gettext_lazy("e.g. Cổng Dịch vụ công quốc gia")}
        ),
    )
    as_of = forms.DateField(
        label=gettext_lazy("The figures describe the day (dd/mm/yyyy)"),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        error_messages={
            "required": gettext_lazy("Give the date the figures describe (dd/mm/yyyy)."),
            "invalid": gettext_lazy("Write the date as dd/mm/yyyy, e.g. 30/11/2026."),
        },
    )

    field_order = ["items", "source", "as_of", "file"]

    def __init__(self, *args, items: list[tuple[str, str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = [
            (
                code,
                _("%(code)s %(name)s (%(source)s)")
                % {"code": code, "name": name, "source": source},
            )
            for code, name, source in items
        ]
