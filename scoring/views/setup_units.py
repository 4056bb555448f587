"""Home Affairs reorganises units in the browser: the unit list across the years, add, rename,
merge, split and dissolve (each confirmed after a page that says what will happen to the open
periods), a sheet of changes (an import job: a worker's preview row by row, confirmed on the
job page), and each period's ranking groups."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from parindex.parsing import parse_id
from parindex.tabular import SheetSpec, xlsx_bytes
from scoring.access import get_period_for_user, get_setup_organisers_for_user, get_unit_for_setup
from scoring.forms_setup_units import (
    GroupChangeForm,
    UnitAddForm,
    UnitDissolveForm,
    UnitFilterForm,
    UnitMergeForm,
    UnitRenameForm,
    UnitSheetForm,
    UnitSplitForm,
)
from scoring.models import Assessment, AssessmentPeriod
from scoring.selectors.units_setup import (
    period_group_rows,
    recent_unit_changes,
    setup_units,
)
from scoring.services.ranking_groups import assessment_ranking_group_set
from scoring.services.unit_changes import (
    SHEET_COLUMNS,
    dry_run,
    unit_change_add,
    unit_change_dissolve,
    unit_change_merge,
    unit_change_rename,
    unit_change_split,
)
from scoring.services.unit_sheet_jobs import unit_sheet_import_queue
from scoring.workflow import PeriodStatus
from units.models import UnitKind
from units.roles import Permission

from .common import REFUSALS, add_errors

UNITS_PER_PAGE = 50


def _organisers(user) -> list:
    return get_setup_organisers_for_user(user)


def _change_page(request, *, form, title: str, intro: str, run, unit=None):
    """A change's form; once valid, a page saying what it will do (a dry run); once confirmed,
    the change itself."""
    context = {"form": form, "title": title, "intro": intro, "unit": unit}
    if request.method == "POST" and form.is_valid():
        try:
            if request.POST.get("confirmed") == "1":
                outcome = run(form)
                messages.success(request, _("Done: %(change)s.") % {"change": outcome.description})
                return redirect("scoring:setup_units")
            outcome = dry_run(lambda: run(form))
        except REFUSALS as exc:
            add_errors(form, exc)
        else:
            return render(
                request, "scoring/setup/unit_confirm.html", {**context, "outcome": outcome}
            )
    return render(request, "scoring/setup/unit_form.html", context)


@login_required
@require_GET
def units_list(request):
    organisers = _organisers(request.user)
    filters = UnitFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    units = setup_units(
        organisers,
        kind_id=data["kind"].pk if data.get("kind") else None,
        year=data.get("year"),
        q=(data.get("q") or "").strip(),
    )
    query = request.GET.copy()
    query.pop("page", None)
    periods = AssessmentPeriod.objects.filter(organiser__in=organisers).order_by("-year")
    return render(
        request,
        "scoring/setup/unit_list.html",
        {
            "filters": filters,
            "page": Paginator(units, UNITS_PER_PAGE).get_page(request.GET.get("page")),
            "query": query.urlencode() + "&" if query else "",
            "changes": recent_unit_changes(organisers)[:10],
            "periods": periods,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_add_view(request):
    organisers = _organisers(request.user)
    form = UnitAddForm(request.POST or None, organisers=organisers)
    return _change_page(
        request,
        form=form,
        title=_("Add a unit"),
        intro=_("A unit that exists from the year given, e.g. a special zone set up in 2025."),
        run=lambda f: unit_change_add(
            organiser=f.cleaned_data["organiser"],
            unit=f.new_unit(),
            year=f.cleaned_data["year"],
            decision=f.decision(),
            by=request.user,
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_rename_view(request, pk: int):
    unit = get_unit_for_setup(request.user, pk)
    form = UnitRenameForm(request.POST or None, initial={"name": unit.name})
    return _change_page(
        request,
        form=form,
        unit=unit,
        title=_("Rename %(unit)s") % {"unit": unit.name},
        intro=_("The unit keeps its code, its staff and its results; only its name changes."),
        run=lambda f: unit_change_rename(
            unit=unit,
            name=f.cleaned_data["name"],
            year=f.cleaned_data["year"],
            decision=f.decision(),
            by=request.user,
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_merge_view(request):
    organisers = _organisers(request.user)
    initial = {"sources": request.GET.get("units", "")}
    # The unit list's "Merge" link names the unit's organiser: its code alone may be ambiguous.
    organiser_id = parse_id(request.GET.get("organiser", ""))
    if any(organiser.pk == organiser_id for organiser in organisers):
        initial["organiser"] = organiser_id
    form = UnitMergeForm(request.POST or None, organisers=organisers, initial=initial)
    return _change_page(
        request,
        form=form,
        title=_("Merge units"),
        intro=_(
            "Several units become one from the year given: an existing unit that absorbs them, "
            "or a new unit. The merged units end the year before; what they entered in an open "
            "period stays and is shown on the unit they join."
        ),
        run=lambda f: unit_change_merge(
            sources=f.cleaned_data["source_units"],
            into=f.cleaned_data["into_unit"],
            new=f.cleaned_data["new_unit"],
            year=f.cleaned_data["year"],
            decision=f.decision(),
            by=request.user,
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_split_view(request, pk: int):
    unit = get_unit_for_setup(request.user, pk)
    form = UnitSplitForm(request.POST or None, source=unit)
    return _change_page(
        request,
        form=form,
        unit=unit,
        title=_("Split %(unit)s") % {"unit": unit.name},
        intro=_("The unit ends the year before; each new unit starts in the year given."),
        run=lambda f: unit_change_split(
            source=unit,
            parts=f.new_units(),
            year=f.cleaned_data["year"],
            decision=f.decision(),
            by=request.user,
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_dissolve_view(request, pk: int):
    unit = get_unit_for_setup(request.user, pk)
    form = UnitDissolveForm(request.POST or None)
    return _change_page(
        request,
        form=form,
        unit=unit,
        title=_("Dissolve %(unit)s") % {"unit": unit.name},
        intro=_("The unit no longer exists from the year given; its past results stay."),
        run=lambda f: unit_change_dissolve(
            unit=unit, year=f.cleaned_data["year"], decision=f.decision(), by=request.user
        ),
    )


# ---------------------------------------------------------------- a sheet of changes


@login_required
@require_http_methods(["GET", "POST"])
def units_sheet_view(request):
    """The sheet goes to an import job (unit_sheet_jobs): a worker reads it, its page shows
    what every row will do and takes the confirmation."""
    organisers = _organisers(request.user)
    form = UnitSheetForm(request.POST or None, request.FILES or None, organisers=organisers)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = unit_sheet_import_queue(
            organiser=form.cleaned_data["organiser"],
            data=upload.read(),
            filename=upload.name,
            by=request.user,
        )
        return redirect("scoring:import_job", pk=job.pk)
    return render(
        request, "scoring/setup/unit_sheet.html", {"form": form, "columns": SHEET_COLUMNS}
    )


SHEET_EXAMPLES = [
    [
        "merge",
        "XA01, XA02",
        "XA12",
        "Xã Hòa An",
        "",
        "",
        2025,
        "1656/NQ-UBTVQH15",
        "16/06/2025",
        "",
    ],
    ["split", "XA03", "XA03A; XA03B", "Xã Đông; Xã Tây", "", "", 2026, "", "", ""],
    ["rename", "XA04", "", "Phường Hòa Bình", "", "", 2025, "", "", ""],
    ["add", "", "DK01", "Đặc khu Cô Tô", "xa", "xa", 2025, "", "", ""],
    ["dissolve", "H01", "", "", "", "", 2025, "", "", "Không tổ chức cấp huyện"],
]


@login_required
@require_GET
def units_sheet_template(request):
    _organisers(request.user)
    guide = [
        [
            "action",
            _(
                "add, rename, merge, split or dissolve "
                "(or: thêm, đổi tên, sáp nhập, chia tách, giải thể)"
            ),
        ],
        ["units", _("Codes of the units the change applies to, separated by commas")],
        [
            "new_code",
            _(
                "Code of the new unit; for a merge, an existing code means merging into that "
                "unit; for a split, one code per new unit separated by “;”"
            ),
        ],
        [
            "new_name",
            _(
                "Name of the new unit, or the new name; for a split, one name per new unit "
                "separated by “;”"
            ),
        ],
        ["kind", _("Unit kind code of a new unit (empty: the kind of the units before)")],
        ["group", _("Ranking group code of a new unit (empty: the group of the units before)")],
        ["year", _("The year from which the change applies, e.g. 2025")],
        ["decision_number", _("Number of the decision")],
        ["decision_date", _("Date of the decision, dd/mm/yyyy")],
        ["note", _("Note")],
    ]
    content = xlsx_bytes(
        [
            SheetSpec(_("Changes"), SHEET_COLUMNS, []),
            SheetSpec(_("Examples"), SHEET_COLUMNS, SHEET_EXAMPLES),
            SheetSpec(_("Guide"), [_("Column"), _("Meaning")], guide),
        ]
    )
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="thay-doi-don-vi.xlsx"'
    return response


# ---------------------------------------------------------------- a period's ranking groups


@login_required
@require_http_methods(["GET", "POST"])
def period_groups_view(request, pk: int):
    period = get_period_for_user(request.user, pk, Permission.MANAGE_PERIOD)
    if request.method == "POST":
        assessment = (
            Assessment.objects.select_related("unit", "period", "ranking_group")
            .filter(period=period, pk=parse_id(request.POST.get("assessment")))
            .first()
        )
        form = GroupChangeForm(request.POST, period=period)
        if assessment is None:
            messages.error(request, _("This unit is not assessed in the period."))
        elif form.is_valid():
            try:
                assessment_ranking_group_set(
                    assessment=assessment, group=form.cleaned_data["group"], by=request.user
                )
            except REFUSALS as exc:
                messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            else:
                messages.success(
                    request,
                    _("%(unit)s is ranked in “%(group)s” in %(year)s.")
                    % {
                        "unit": assessment.unit.name,
                        "group": assessment.ranking_group or _("not ranked"),
                        "year": period.year,
                    },
                )
        else:
            messages.error(request, _("Choose a ranking group of this organiser."))
        url = reverse("scoring:setup_period_groups", args=[period.pk])
        back = request.POST.get("back", "")
        return redirect(f"{url}?{back}" if back else url)
    kind_id = parse_id(request.GET.get("kind"))
    rows = period_group_rows(period, kind_id=kind_id)
    page = Paginator(rows, UNITS_PER_PAGE).get_page(request.GET.get("page"))
    groups = GroupChangeForm(period=period).fields["group"].queryset
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "scoring/setup/unit_groups.html",
        {
            "period": period,
            "page": page,
            "groups": groups,
            "kinds": UnitKind.objects.filter(units__assessments__period=period).distinct(),
            "kind_id": kind_id,
            "query": query.urlencode() + "&" if query else "",
            "back": request.GET.urlencode(),
            "editable": period.status != PeriodStatus.PUBLISHED,
        },
    )
