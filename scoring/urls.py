from django.urls import path

from . import views

app_name = "scoring"

urlpatterns = [
    path("periods/<int:pk>/", views.period_dashboard, name="period_dashboard"),
    path("periods/<int:pk>/publish/", views.period_publish_view, name="period_publish"),
    path("periods/<int:pk>/units/<int:unit_pk>/result/", views.unit_result, name="unit_result"),
]
