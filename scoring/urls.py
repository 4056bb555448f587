from django.urls import path

from .views import results, self_assessment

app_name = "scoring"

urlpatterns = [
    path("periods/<int:pk>/", results.period_dashboard, name="period_dashboard"),
    path("periods/<int:pk>/publish/", results.period_publish_view, name="period_publish"),
    path(
        "periods/<int:pk>/deadline/", self_assessment.period_deadline_view, name="period_deadline"
    ),
    path("periods/<int:pk>/units/<int:unit_pk>/result/", results.unit_result, name="unit_result"),
    path("assessments/<int:pk>/", self_assessment.self_assessment_form, name="self_assessment"),
    path(
        "assessments/<int:pk>/items/<int:item_pk>/",
        self_assessment.self_score_save_view,
        name="self_score_save",
    ),
    path(
        "assessments/<int:pk>/evidence/",
        self_assessment.evidence_add_view,
        name="evidence_add",
    ),
    path(
        "assessments/<int:pk>/evidence/<int:evidence_pk>/link/",
        self_assessment.evidence_link_view,
        name="evidence_link",
    ),
    path(
        "assessments/<int:pk>/evidence/<int:evidence_pk>/delete/",
        self_assessment.evidence_delete_view,
        name="evidence_delete",
    ),
    path("evidence/<int:pk>/file/", self_assessment.evidence_file_view, name="evidence_file"),
    path(
        "assessments/<int:pk>/submit/",
        self_assessment.self_assessment_submit_view,
        name="self_assessment_submit",
    ),
    path(
        "assessments/<int:pk>/workbook.xlsx",
        self_assessment.self_assessment_workbook_view,
        name="self_assessment_workbook",
    ),
    path(
        "assessments/<int:pk>/import/",
        self_assessment.self_assessment_import_view,
        name="self_assessment_import",
    ),
    path(
        "assessments/<int:pk>/reopen/",
        self_assessment.assessment_reopen_view,
        name="assessment_reopen",
    ),
]
