"""Pages of a period: the Home Affairs dashboard, publishing, and each unit's published result."""

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from units.access import acts_for
from units.models import UnitKind
from units.roles import Permission

from ..access import get_period_for_user, get_unit_for_user, plan_visible_to
from ..display import code_key
from ..forms import PublishForm
from ..models import Assessment, AssessmentPeriod
from ..selectors.appraisal import period_round_moves
from ..selectors.completeness import period_completeness
from ..selectors.publication import publication_checks
from ..selectors.remediation_plans import plan_for
from ..selectors.results import (
    latest_publication,
    period_results,
    publication_results,
    published_never_submitted,
)
from ..services.publication import period_publish, publish_problems
from ..services.remediation_plans import plan_may_draft
from ..workflow import AssessmentStatus
from .common import REFUSALS

ROWS_PER_PAGE = 50
LOST_POINTS_SHOWN = 10


@login_required
def period_dashboard(request, pk: int):
    period = get_period_for_user(request.user, pk)
    results = period_results(period=period)
    publication = latest_publication(period)
    ranked_groups = [g for g in results.groups if g.code]
    selected = next(
        (g for g in results.groups if g.code == request.GET.get("group")),
        ranked_groups[0] if ranked_groups else None,
    )
    # Area columns by code across the group: a mixed group (the unranked units of several
    # kinds) may hold index sets with different areas.
    areas = {}
    for row in selected.rows if selected else []:
        for area in row.result.areas:
            areas.setdefault(area.code, area)
    area_codes = sorted(areas, key=code_key)
    page = Paginator(selected.rows if selected else [], ROWS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    page_rows = [
        (
            row,
            [
                next((a.index for a in row.result.areas if a.code == code), None)
                for code in area_codes
            ],
        )
        for row in page
    ]
    return render(
        request,
        "scoring/period_dashboard.html",
        {
            "period": period,
            "progress": _progress(period),
            "unit_statuses": _unit_statuses(request, period),
            "kinds": UnitKind.objects.filter(units__assessments__period=period).distinct(),
            "statuses": AssessmentStatus.choices,
            "groups": results.groups,
            "group": selected,
            "group_rows": page,
            "page_rows": page_rows,
            "areas": [areas[code] for code in area_codes],
            "area_averages": [selected.area_average(code) for code in area_codes]
            if selected
            else [],
            "publication": publication,
            "changed_since_publication": Assessment.objects.filter(
                period=period, status=AssessmentStatus.APPRAISED
            ).count(),
            "publish_problems": publish_problems(period),
            "may_publish": _may(request.user, period, Permission.PUBLISH_RESULTS),
            "may_manage": _may(request.user, period, Permission.MANAGE_PERIOD),
            "may_build_reports": _may(request.user, period, Permission.BUILD_REPORTS),
            "may_enter_survey": _may(request.user, period, Permission.ENTER_SURVEY),
            "previous_publication": results.previous_publication,
            "round_moves": period_round_moves(period),
            **_completeness(request, period),
            "never_submitted_count": sum(row.never_submitted for row in results.rows),
            "published_never_submitted": published_never_submitted(publication),
        },
    )


def _completeness(request, period) -> dict:
    """What Home Affairs still has to enter, per unit: survey and data items (issue 13)."""
    missing_only = request.GET.get("inputs") == "missing"
    completeness = period_completeness(period=period, missing_only=missing_only)
    page = Paginator(completeness.rows, ROWS_PER_PAGE).get_page(request.GET.get("inputs_page"))
    return {"completeness": completeness, "completeness_page": page}


def _may(user, period, permission) -> bool:
    return acts_for(user, permission, period.organiser_id)


def _progress(period: AssessmentPeriod) -> list[dict]:
    """Units per kind and status — where the workflow stands."""
    counts = Counter(
        Assessment.objects.taking_part()
        .filter(period=period)
        .values_list("unit__kind__name", "status")
    )
    kinds = sorted({kind for kind, _status in counts})
    return [
        {
            "kind": kind,
            "cells": [counts.get((kind, status), 0) for status, _label in AssessmentStatus.choices],
            "total": sum(n for (k, _s), n in counts.items() if k == kind),
        }
        for kind in kinds
    ]


def _unit_statuses(request, period):
    assessments = (
        Assessment.objects.filter(period=period)
        .select_related("unit__kind")
        .order_by("unit__kind__position", "unit__code")
    )
    if request.GET.get("status") in AssessmentStatus.values:
        assessments = assessments.filter(status=request.GET["status"])
    if request.GET.get("kind"):
        assessments = assessments.filter(unit__kind__code=request.GET["kind"])
    return Paginator(assessments, ROWS_PER_PAGE).get_page(request.GET.get("units_page"))


@login_required
@require_http_methods(["GET", "POST"])
def period_publish_view(request, pk: int):
    period = get_period_for_user(request.user, pk, Permission.PUBLISH_RESULTS)
    previous = latest_publication(period)
    checks = publication_checks(period)
    form = PublishForm(
        request.POST if request.method == "POST" else None,
        republishing=previous is not None,
        missing=checks.missing,
        organiser=period.organiser,
    )
    problems = publish_problems(period)
    blocked = bool(problems)  # what the officer cannot settle on this page
    if request.method == "POST" and form.is_valid() and not problems:
        try:
            publication = period_publish(
                period=period,
                by=request.user,
                reason=form.cleaned_data.get("reason", ""),
                exceptions=form.exceptions(),
                document=form.document(),
            )
        except REFUSALS as exc:
            problems = exc.messages
        else:
            messages.success(
                request,
                _("The results of %(period)s are published (version %(version)s).")
                % {"period": period, "version": publication.version},
            )
            return redirect("scoring:period_dashboard", pk=period.pk)
    results = period_results(period=period)
    return render(
        request,
        "scoring/publish_confirm.html",
        {
            "period": period,
            "form": form,
            "problems": problems,
            "previous": previous,
            "version": previous.version + 1 if previous else 1,
            "groups": [g for g in results.groups if g.code],
            "unranked": next((g for g in results.groups if not g.code), None),
            "unit_count": len(results.rows),
            "checks": checks,
            "blocked": blocked,
        },
    )


@login_required
def unit_result(request, pk: int, unit_pk: int):
    period = get_object_or_404(AssessmentPeriod, pk=pk)
    unit = get_unit_for_user(request.user, period, unit_pk)
    publication = latest_publication(period)
    if publication is None:
        raise Http404(_("The results of this period are not published yet."))
    results = publication_results(publication)
    row = results.row_for(unit.pk)
    if row is None:
        raise Http404
    group = results.group_of(unit.pk) if row.group_code else None
    areas = [
        {
            "area": area,
            "average": group.area_average(area.code) if group else None,
            "best": group.area_best(area.code) if group else None,
        }
        for area in row.result.areas
    ]
    lost = sorted(
        (item for item in row.result.items if item.level == "sub_criterion" and item.lost > 0),
        key=lambda item: (-item.lost, item.code),
    )[:LOST_POINTS_SHOWN]
    plan = plan_for(period, unit)
    return render(
        request,
        "scoring/unit_result.html",
        {
            "period": period,
            "unit": unit,
            "publication": publication,
            "row": row,
            "group": group,
            "areas": areas,
            "lost_items": lost,
            # Improvement after publication: the target page and the unit's plan.
            "plan": plan if plan is not None and plan_visible_to(request.user, plan) else None,
            "may_draft_plan": plan is None and plan_may_draft(request.user, period, unit),
        },
    )
