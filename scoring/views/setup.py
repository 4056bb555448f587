"""Home Affairs sets up a year in the browser: the set-up home lists what an officer runs
(periods, index sets, units, accounts); each part has its own module next to this one."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from scoring.access import get_setup_organisers_for_user
from scoring.models import AssessmentPeriod
from scoring.selectors.accounts import account_counts


@login_required
@require_GET
def setup_home(request):
    organisers = get_setup_organisers_for_user(request.user)
    periods = (
        AssessmentPeriod.objects.filter(organiser__in=organisers)
        .select_related("organiser")
        .order_by("-year", "organiser__name")
    )
    return render(
        request,
        "scoring/setup/home.html",
        {
            "organisers": organisers,
            "periods": periods,
            "account_counts": account_counts(organisers=organisers),
        },
    )
