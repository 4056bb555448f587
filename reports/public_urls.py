"""The public results portal, mounted at /ket-qua/ (parindex/urls.py)."""

from django.urls import path

from . import public_views

app_name = "public"

urlpatterns = [
    path("", public_views.landing, name="landing"),
    path("<int:period_id>/", public_views.period, name="period"),
    path("<int:period_id>/nhom/<str:group_code>/", public_views.ranking, name="ranking"),
    path("<int:period_id>/don-vi/<str:unit_code>/", public_views.unit, name="unit"),
    path("tai-lieu/<int:pk>/", public_views.document, name="document"),
]
