"""Home Affairs' index-set pages of the set-up: uploading a set (an import job: a worker's
dry-run preview, then confirm on the job page), preparing a draft of the set in use, and
replacing the set mid-period (the diff, the mapping of removed items, the scores to redo,
apply)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from parindex.admin_imports import ImportFileForm
from parindex.parsing import parse_id
from units.models import UnitKind
from units.roles import Permission

from ..access import get_index_set_for_user, get_period_for_user
from ..selectors.index_set_diff import (
    ChangeKind,
    full_mapping,
    index_set_diff,
    index_set_fingerprint,
    mapping_problems,
    replacement_consequences,
)
from ..services.index_set_jobs import index_set_import_queue
from ..services.index_set_replace import (
    index_set_current_for,
    index_set_draft_start,
    index_set_replace,
)
from ..services.index_sets import index_set_problems
from ..workflow import PeriodStatus
from .common import REFUSALS

UNITS_PER_PAGE = 20


# ---------------------------------------------------------------- forms


class IndexSetUploadForm(ImportFileForm):
    unit_kind = forms.ModelChoiceField(
        label=gettext_lazy("Unit kind"),
        queryset=UnitKind.objects.order_by("position", "code"),
        error_messages={"required": gettext_lazy("Choose the unit kind the set is for.")},
    )
    name = forms.CharField(
        label=gettext_lazy("Name of the index set"), max_length=255, required=False
    )
    decision_number = forms.CharField(
        label=gettext_lazy("Decision number"), max_length=100, required=False
    )
    decision_date = forms.DateField(
        label=gettext_lazy("Decision date (dd/mm/yyyy)"),
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
    )
    decision_issuer = forms.CharField(
        label=gettext_lazy("Issued by"), max_length=255, required=False
    )

    field_order = [
        "unit_kind",
        "file",
        "name",
        "decision_number",
        "decision_date",
        "decision_issuer",
    ]


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        error_messages={"required": gettext_lazy("Tick the box to confirm.")},
    )

    def __init__(self, *args, label: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirm"].label = label


# ---------------------------------------------------------------- uploading a set


@login_required
@require_http_methods(["GET", "POST"])
def index_set_upload_view(request, pk: int):
    """The file goes to an import job (index_set_jobs): a worker reads it, its page shows the
    preview and takes the confirmation."""
    period = get_period_for_user(request.user, pk, Permission.MANAGE_PERIOD)
    form = IndexSetUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload, values = form.cleaned_data["file"], form.cleaned_data
        job = index_set_import_queue(
            period=period,
            unit_kind=values["unit_kind"],
            data=upload.read(),
            filename=upload.name,
            name=values["name"],
            decision_number=values["decision_number"],
            decision_date=values["decision_date"],
            decision_issuer=values["decision_issuer"],
            by=request.user,
        )
        return redirect("scoring:import_job", pk=job.pk)
    return render(
        request,
        "scoring/setup/index_set_upload.html",
        {"period": period, "form": form, "problems": []},
    )


# ---------------------------------------------------------------- a draft of the set in use


@login_required
@require_http_methods(["GET", "POST"])
def index_set_draft_start_view(request, pk: int):
    index_set = get_index_set_for_user(request.user, pk)
    form = ConfirmForm(
        request.POST or None,
        label=_(
            "Copy version %(version)s into a new draft version. Units keep scoring version "
            "%(version)s until the draft is applied."
        )
        % {"version": index_set.version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            draft = index_set_draft_start(index_set=index_set, by=request.user)
        except REFUSALS as exc:
            form.add_error(None, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("Draft version %(version)s is ready to edit.") % {"version": draft.version},
            )
            return redirect("scoring:index_set_replace", pk=draft.pk)
    return render(
        request,
        "scoring/setup/index_set_draft_start.html",
        {"index_set": index_set, "form": form},
    )


# ---------------------------------------------------------------- replacing mid-period


def _confirmed(request, diff) -> dict[int, int | None]:
    """The officer's choice for each unmatched old item: a new item's id, or none."""
    confirmed: dict[int, int | None] = {}
    for old in diff.unmatched:
        value = request.POST.get(f"map-{old.pk}", "")
        if value == "none":
            confirmed[old.pk] = None
        elif parse_id(value) is not None:
            confirmed[old.pk] = parse_id(value)
    return confirmed


@login_required
@require_http_methods(["GET", "POST"])
def index_set_replace_view(request, pk: int):
    draft = get_index_set_for_user(request.user, pk)
    if not draft.is_draft:
        raise Http404
    current = index_set_current_for(draft)
    if current is None:
        raise Http404
    diff = index_set_diff(old=current, new=draft)
    confirmed = _confirmed(request, diff) if request.method == "POST" else {}
    label = _(
        "Make version %(new)s the current index set: scores move to the new items, the values "
        "listed are cleared and kept for the units to redo, and the units are told."
    ) % {"new": draft.version}
    form = ConfirmForm(request.POST if "apply" in request.POST else None, label=label)
    errors = []
    if request.method == "POST" and "apply" in request.POST and form.is_valid():
        errors = mapping_problems(diff, confirmed)
        if not errors:
            try:
                result = index_set_replace(
                    draft=draft,
                    confirmed=confirmed,
                    fingerprint=request.POST.get("fingerprint", ""),
                    by=request.user,
                )
            except REFUSALS as exc:
                errors = exc.messages
            else:
                messages.success(
                    request,
                    _(
                        "Version %(new)s is now the current index set: %(n)s unit(s) moved, "
                        "%(redos)s value(s) to redo. The units are told."
                    )
                    % {
                        "new": result.new.version,
                        "n": result.assessments,
                        "redos": len(result.redos),
                    },
                )
                return redirect("scoring:setup_home")
    consequences = replacement_consequences(old=current, mapping=full_mapping(diff, confirmed))
    page = Paginator(consequences, UNITS_PER_PAGE).get_page(request.GET.get("page"))
    unmatched = [
        {
            "item": old,
            "choices": diff.candidates.get(old.level, []),
            "chosen": "none"
            if old.pk in confirmed and confirmed[old.pk] is None
            else str(confirmed.get(old.pk, "")),
        }
        for old in diff.unmatched
    ]
    return render(
        request,
        "scoring/setup/index_set_replace.html",
        {
            "draft": draft,
            "current": current,
            "period": draft.period,
            "diff": diff,
            "groups": [
                (_("Added"), diff.of_kind(ChangeKind.ADDED)),
                (_("Removed"), diff.of_kind(ChangeKind.REMOVED)),
                (_("Renamed"), diff.of_kind(ChangeKind.RENAMED)),
                (_("Maximum changed"), diff.of_kind(ChangeKind.MAX_CHANGED)),
                (_("Method changed"), diff.of_kind(ChangeKind.METHOD_CHANGED)),
                (_("Rule changed"), diff.of_kind(ChangeKind.RULE_CHANGED)),
                (_("Data source changed"), diff.of_kind(ChangeKind.DATA_SOURCE_CHANGED)),
            ],
            "unmatched": unmatched,
            "consequences": page,
            "misfit_count": sum(len(unit.misfits) for unit in consequences),
            "tree_problems": index_set_problems(list(draft.items.all())),
            "published": draft.period.status == PeriodStatus.PUBLISHED,
            "fingerprint": index_set_fingerprint(old=current, new=draft, confirmed=confirmed),
            "form": form,
            "errors": errors,
        },
    )
