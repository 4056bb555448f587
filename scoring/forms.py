from django import forms
from django.utils.translation import gettext_lazy as _


class PublishForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I have checked the results and understand that they will become public."),
        error_messages={"required": _("Tick the box to confirm the publication.")},
    )
    reason = forms.CharField(
        label=_("Why the results are published again"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, republishing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.republishing = republishing
        if not republishing:
            del self.fields["reason"]

    def clean_reason(self):
        reason = self.cleaned_data.get("reason", "").strip()
        if self.republishing and not reason:
            raise forms.ValidationError(_("Say which correction makes a new publication needed."))
        return reason
