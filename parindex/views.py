"""Project-level pages that belong to no app: the health check."""

from django.db import connection
from django.http import HttpResponse


def healthz(request):
    """For the load balancer and docker-compose: the app answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
