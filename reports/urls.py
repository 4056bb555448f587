from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("<int:pk>/status/", views.report_status, name="status"),
    path("<int:pk>/download/", views.report_download, name="download"),
    path("<int:pk>/retry/", views.report_retry_view, name="retry"),
    path("periods/<int:pk>/", views.period_reports, name="period"),
    path("plans/<int:pk>/", views.plan_documents_page, name="plan_documents"),
    path("plans/<int:pk>/retry/", views.plan_documents_retry_view, name="plan_documents_retry"),
    path("plans/<int:pk>/<str:fmt>/", views.plan_document_download, name="plan_document"),
]
