"""Pages for tests/test_loadtest_crawl.py: a landing page, a period with a sorted variant, a
unit, an API root, and links the readers must not follow."""

from django.http import HttpResponse, JsonResponse
from django.urls import path


def landing(request):
    return HttpResponse(
        '<a href="/period/1/">2025</a> <a href="/period/1/?sort=name">theo tên</a>'
        ' <a href="/accounts/login/">Đăng nhập</a> <a href="/static/portal.css">css</a>'
        ' <a href="/period/1/ranking.pdf">PDF</a> <a href="https://elsewhere.example/">x</a>'
        ' <a href="/missing/">hỏng</a>',
        content_type="text/html; charset=utf-8",
    )


def period(request, pk):
    return HttpResponse('<a href="/unit/XA01/">Xã An Phú</a> <a href="/">Trang chủ</a>')


def unit(request, code):
    return HttpResponse("Xã An Phú")


def api_root(request):
    return JsonResponse({"results": [{"year": 2025, "url": "/api/v1/periods/1/"}]})


def api_period(request, pk):
    return JsonResponse({"year": 2025, "groups": "/api/v1/periods/1/groups/"})


urlpatterns = [
    path("", landing),
    path("period/<int:pk>/", period),
    path("unit/<str:code>/", unit),
    path("api/v1/", api_root),
    path("api/v1/periods/<int:pk>/", api_period),
]
