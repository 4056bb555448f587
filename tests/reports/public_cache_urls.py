"""A small URLconf of test views behind reports.public_cache.public_cached: the public pages
and the API are built elsewhere; these views each show one way an answer may or may not be the
same for everyone."""

from django.contrib import messages
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.urls import include, path

from reports.public_cache import public_cached
from scoring.models import Publication


@public_cached
def results(request):
    """Reads the database on every call; echoes the query so a test sees whose answer it got."""
    versions = list(Publication.objects.order_by("pk").values_list("version", flat=True))
    return HttpResponse(
        f"publications: {len(versions)} {versions}; query: {request.GET.urlencode()}",
        content_type="text/plain; charset=utf-8",
    )


@public_cached
def with_cookie(request):
    response = HttpResponse(f"publications: {Publication.objects.count()}")
    response.set_cookie("seen", "1")
    return response


@public_cached
def who(request):
    """Names the visitor: the same for every anonymous one, never for two signed-in ones."""
    user = request.user
    return HttpResponse(user.get_username() if user.is_authenticated else "khách")


@public_cached
def with_form(request):
    return HttpResponse(f'<input name="csrfmiddlewaretoken" value="{get_token(request)}">')


@public_cached
def with_vary(request):
    response = HttpResponse(f"publications: {Publication.objects.count()}")
    response["Vary"] = "Accept"
    return response


@public_cached
def missing(request):
    Publication.objects.count()
    return HttpResponse("không có", status=404)


@public_cached
def remember(request):
    """Leaves a message for the next page (in the messages cookie)."""
    messages.info(request, "Đã lưu")
    return HttpResponse("ok")


@public_cached
def flash(request):
    """Shows the visitor's messages, with one of its own when the request asks for it."""
    if request.headers.get("X-Say"):
        messages.info(request, request.headers["X-Say"])
    waiting = messages.get_messages(request)
    # As base.html does: the messages are read (and used up) only when there are any.
    return HttpResponse(" | ".join(str(m) for m in waiting) if waiting else "—")


urlpatterns = [
    path("results/", results),
    path("cookie/", with_cookie),
    path("who/", who),
    path("form/", with_form),
    path("vary/", with_vary),
    path("missing/", missing),
    path("remember/", remember),
    path("flash/", flash),
    # The portal's own pages: the base template and the error pages name them.
    path("", include("parindex.urls")),
]
