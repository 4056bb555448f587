"""Project-level pages: the landing page after login and the health check."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render

from scoring.selectors import own_unit_assessments, periods_for_user
from units.selectors import role_lines


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


def healthz(request):
    """For the load balancer and docker-compose: the app answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
