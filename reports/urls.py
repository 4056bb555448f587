from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("<int:pk>/status/", views.report_status, name="status"),
    path("<int:pk>/download/", views.report_download, name="download"),
    path("<int:pk>/retry/", views.report_retry_view, name="retry"),
    path("periods/<int:pk>/", views.period_reports, name="period"),
]
