"""The public results portal, mounted at /ket-qua/ (parindex/urls.py)."""

from django.urls import path, register_converter

from . import public_views
from .public_cache import public_cached


class CodeConverter:
    """A unit's or a group's code: up to 64 characters, no control character (PostgreSQL
    refuses a NUL byte in a query). Anything else is no address of the portal: 404 before
    any view, and no query. Any stored code can be linked to: the codes are checked where
    they are entered (units.models.code_validator), not here."""

    regex = r"[^/\x00-\x1f\x7f]{1,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(CodeConverter, "code")

app_name = "public"

urlpatterns = [
    # The pages are kept whole in the public cache; a document is a file, served as it is.
    path("", public_cached(public_views.landing), name="landing"),
    path("<int:period_id>/", public_cached(public_views.period), name="period"),
    path(
        "<int:period_id>/nhom/<code:group_code>/",
        public_cached(public_views.ranking),
        name="ranking",
    ),
    path(
        "<int:period_id>/don-vi/<code:unit_code>/",
        public_cached(public_views.unit),
        name="unit",
    ),
    path("tai-lieu/<int:pk>/", public_views.document, name="document"),
]
