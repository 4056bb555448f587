"""Home Affairs sets up a period: a new year from last year's, its review page (index sets,
ranking groups, council, deadlines, what still blocks opening), its deadlines before and after
opening, and opening it to the units."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from parindex.dates import datetime_text
from units.roles import Permission

from ..access import get_period_for_user, get_setup_organisers_for_user
from ..forms_setup_periods import DeadlinesForm, PeriodCreateForm
from ..selectors.council import council_for_period
from ..selectors.period_setup import (
    period_group_lines,
    period_kind_lines,
    period_units_to_open,
    setup_period_defaults,
    setup_periods_for_user,
)
from ..services.period_setup import period_create_from, period_deadlines_change, period_default_name
from ..services.periods import period_index_set_problems, period_open, period_open_problems
from ..workflow import PeriodStatus
from .common import REFUSALS, add_errors


class OpenConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "I confirm: the units get their assessment and may start self-assessing; the period "
            "cannot go back to set-up."
        ),
        error_messages={"required": gettext_lazy("Tick the box to confirm the opening.")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def setup_period_new(request):
    get_setup_organisers_for_user(request.user)
    periods = setup_periods_for_user(request.user)
    latest, year = setup_period_defaults(periods)
    initial = {"source": latest, "year": year}
    form = PeriodCreateForm(
        request.POST if request.method == "POST" else None, periods=periods, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            period = period_create_from(
                source=form.cleaned_data["source"],
                year=form.cleaned_data["year"],
                name=form.cleaned_data["name"],
                by=request.user,
            )
        except REFUSALS as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "%(period)s is being set up: check its index sets and deadlines, then open "
                    "it. Units do not see it until then."
                )
                % {"period": period},
            )
            return redirect("scoring:setup_period", pk=period.pk)
    default_name = period_default_name(source=latest, year=year)
    form.fields["name"].widget.attrs["placeholder"] = default_name
    form.fields["name"].help_text = _("Empty: the name of the copied period with the new year.")
    return render(request, "scoring/setup/period_new.html", {"form": form, "periods": periods})


@login_required
@require_GET
def setup_period(request, pk: int):
    period = get_period_for_user(request.user, pk, Permission.MANAGE_PERIOD)
    problems_by_set = {
        index_set.pk: found for index_set, found in period_index_set_problems(period)
    }
    kinds = period_kind_lines(period)
    for line in kinds:
        line.problems = problems_by_set.get(line.index_set.pk, []) if line.index_set else []
    in_setup = period.status == PeriodStatus.SETUP
    return render(
        request,
        "scoring/setup/period_setup.html",
        {
            "period": period,
            "in_setup": in_setup,
            "kinds": kinds,
            "groups": period_group_lines(period),
            "council": council_for_period(period),
            "form": DeadlinesForm(period=period),
            "open_problems": period_open_problems(period) if in_setup else [],
            "units_to_open": period_units_to_open(period) if in_setup else 0,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def setup_period_deadlines(request, pk: int):
    period = get_period_for_user(request.user, pk, Permission.MANAGE_PERIOD)
    form = DeadlinesForm(request.POST if request.method == "POST" else None, period=period)
    if request.method == "POST" and form.is_valid():
        try:
            changed = period_deadlines_change(
                period=period,
                deadlines=form.deadlines,
                reason=form.cleaned_data.get("reason", ""),
                by=request.user,
            )
        except REFUSALS as exc:
            add_errors(form, exc)
        else:
            if not changed:
                messages.info(request, _("No deadline changed."))
            elif form.opened:
                messages.success(
                    request,
                    _(
                        "The deadlines are changed; the units and council members concerned "
                        "are told."
                    ),
                )
            else:
                messages.success(request, _("The deadlines are saved."))
            return redirect("scoring:setup_period", pk=period.pk)
    return render(request, "scoring/setup/period_deadlines.html", {"period": period, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def setup_period_open(request, pk: int):
    period = get_period_for_user(request.user, pk, Permission.MANAGE_PERIOD)
    form = OpenConfirmForm(request.POST if request.method == "POST" else None)
    refusal = []
    if request.method == "POST" and form.is_valid():
        try:
            period_open(period=period, by=request.user)
        except REFUSALS as exc:
            refusal = exc.messages
        else:
            messages.success(
                request,
                _("%(period)s is open: %(n)s unit(s) may self-assess until %(when)s.")
                % {
                    "period": period,
                    "n": period.assessments.taking_part().count(),
                    "when": datetime_text(period.self_assessment_deadline),
                },
            )
            return redirect("scoring:setup_period", pk=period.pk)
    in_setup = period.status == PeriodStatus.SETUP
    return render(
        request,
        "scoring/setup/period_open.html",
        {
            "period": period,
            "form": form,
            "in_setup": in_setup,
            "refusal": refusal,
            "problems": period_open_problems(period) if in_setup else [],
            "units_to_open": period_units_to_open(period) if in_setup else 0,
        },
    )
