"""The landing page after login: the user's roles, the periods they work in, and their own
unit's assessments."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from units.selectors import role_lines

from ..selectors import own_unit_assessments, periods_for_user


@login_required
def home(request):
    return render(
        request,
        "home.html",
        {
            "roles": role_lines(request.user),
            "periods": periods_for_user(request.user)[:10],
            "assessments": own_unit_assessments(request.user)[:10],
        },
    )
