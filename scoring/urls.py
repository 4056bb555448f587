from django.urls import path

from .views import (
    appraisal,
    audit,
    council,
    explanation,
    import_jobs,
    inbox,
    inspections,
    remediation_plans,
    remediation_progress,
    results,
    second_factor,
    self_assessment,
    setup,
    setup_accounts,
    setup_index_set_replace,
    setup_index_sets,
    setup_lockouts,
    setup_periods,
    setup_units,
    survey_data,
)

app_name = "scoring"

urlpatterns = [
    path("imports/<int:pk>/", import_jobs.import_job_view, name="import_job"),
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
    # ------------------------------------------------------------ appraisal council
    path("appraisal/", appraisal.appraisal_queue, name="appraisal_queue"),
    path("appraisal/<int:pk>/", appraisal.appraisal_review, name="appraisal_review"),
    path(
        "appraisal/<int:pk>/items/<int:item_pk>/",
        appraisal.appraisal_item_save,
        name="appraisal_item_save",
    ),
    path(
        "appraisal/<int:pk>/accept-rest/",
        appraisal.appraisal_accept_rest_view,
        name="appraisal_accept_rest",
    ),
    path(
        "appraisal/<int:pk>/items/<int:item_pk>/return/",
        appraisal.appraisal_return_view,
        name="appraisal_return",
    ),
    path(
        "appraisal/<int:pk>/finalise/", appraisal.appraisal_finalise_view, name="appraisal_finalise"
    ),
    path("appraisal/<int:pk>/reopen/", appraisal.appraisal_reopen_view, name="appraisal_reopen"),
    path("periods/<int:pk>/council/", appraisal.council_progress, name="council_progress"),
    path("periods/<int:pk>/advance/", appraisal.period_advance_view, name="period_advance"),
    path("periods/<int:pk>/council/members/", council.council_members_view, name="council_members"),
    path(
        "periods/<int:pk>/council/members/<int:grant_pk>/remove/",
        council.council_member_remove_view,
        name="council_member_remove",
    ),
    # ------------------------------------------------------------ the unit's explanation
    path("assessments/<int:pk>/explanation/", explanation.explanation_view, name="explanation"),
    path(
        "assessments/<int:pk>/explanation/items/<int:item_pk>/",
        explanation.explanation_item_save,
        name="explanation_item_save",
    ),
    path(
        "assessments/<int:pk>/explanation/evidence/",
        explanation.explanation_evidence_add,
        name="explanation_evidence_add",
    ),
    path(
        "assessments/<int:pk>/explanation/evidence/<int:evidence_pk>/delete/",
        explanation.explanation_evidence_delete,
        name="explanation_evidence_delete",
    ),
    path(
        "assessments/<int:pk>/explanation/send/",
        explanation.explanation_send_view,
        name="explanation_send",
    ),
    # ------------------------------------------------------------ audit trail, inbox
    path("assessments/<int:pk>/history/", audit.assessment_history, name="assessment_history"),
    path(
        "assessments/<int:pk>/history.<str:fmt>",
        audit.assessment_history_export,
        name="assessment_history_export",
    ),
    path("inbox/", inbox.inbox_view, name="inbox"),
    path("inbox/read/", inbox.inbox_read_view, name="inbox_read"),
    # ------------------------------------------------------------ Home Affairs sets up a year
    path("setup/", setup.setup_home, name="setup_home"),
    # ------------------------------------------------------------ set-up: staff accounts
    path("setup/accounts/", setup_accounts.accounts_list, name="setup_accounts"),
    path("setup/accounts/new/", setup_accounts.account_create, name="setup_account_create"),
    path("setup/accounts/import/", setup_accounts.accounts_import, name="setup_accounts_import"),
    path(
        "setup/accounts/template.xlsx",
        setup_accounts.accounts_template,
        name="setup_accounts_template",
    ),
    path(
        "setup/accounts/<int:pk>/deactivate/",
        setup_accounts.account_active,
        {"active": False},
        name="setup_account_deactivate",
    ),
    path(
        "setup/accounts/<int:pk>/reactivate/",
        setup_accounts.account_active,
        {"active": True},
        name="setup_account_reactivate",
    ),
    path(
        "setup/accounts/<int:pk>/send-link/",
        setup_accounts.account_send_link,
        name="setup_account_send_link",
    ),
    path(
        "setup/accounts/<int:pk>/second-factor/reset/",
        second_factor.reset,
        name="second_factor_reset",
    ),
    # ------------------------------------------------------------ set-up: locked accounts
    path("setup/lockouts/", setup_lockouts.lockouts_list, name="setup_lockouts"),
    path(
        "setup/lockouts/<int:pk>/unlock/",
        setup_lockouts.lockout_unlock,
        name="setup_lockout_unlock",
    ),
    # ------------------------------------------------------------ the second factor
    path("account/second-factor/", second_factor.setup, name="second_factor_setup"),
    path("account/second-factor/qr.svg", second_factor.qr, name="second_factor_qr"),
    path("account/second-factor/verify/", second_factor.verify, name="second_factor_verify"),
    # ------------------------------------------------------------ set-up: periods
    path("setup/periods/new/", setup_periods.setup_period_new, name="setup_period_new"),
    path("setup/periods/<int:pk>/", setup_periods.setup_period, name="setup_period"),
    path(
        "setup/periods/<int:pk>/deadlines/",
        setup_periods.setup_period_deadlines,
        name="setup_period_deadlines",
    ),
    path("setup/periods/<int:pk>/open/", setup_periods.setup_period_open, name="setup_period_open"),
    # ------------------------------ set-up part "replace": uploading a set, replacing it mid-period
    path(
        "setup/periods/<int:pk>/index-sets/upload/",
        setup_index_set_replace.index_set_upload_view,
        name="index_set_upload",
    ),
    path(
        "setup/index-sets/<int:pk>/draft/",
        setup_index_set_replace.index_set_draft_start_view,
        name="index_set_draft_start",
    ),
    path(
        "setup/index-sets/<int:pk>/replace/",
        setup_index_set_replace.index_set_replace_view,
        name="index_set_replace",
    ),
    # ------------------------------------------------------------ set-up: the index-set editor
    path(
        "setup/index-sets/<int:pk>/",
        setup_index_sets.index_set_editor_view,
        name="index_set_editor",
    ),
    path(
        "setup/index-sets/<int:pk>/rule-preview/",
        setup_index_sets.index_set_rule_preview_view,
        name="index_set_rule_preview",
    ),
    path(
        "setup/index-sets/<int:pk>/header/",
        setup_index_sets.index_set_header_view,
        name="index_set_header",
    ),
    path(
        "setup/index-sets/<int:pk>/items/add/",
        setup_index_sets.index_item_add_view,
        name="index_item_add",
    ),
    path(
        "setup/index-sets/<int:pk>/items/<int:item_pk>/",
        setup_index_sets.index_item_edit_view,
        name="index_item_edit",
    ),
    path(
        "setup/index-sets/<int:pk>/items/<int:item_pk>/move/",
        setup_index_sets.index_item_move_view,
        name="index_item_move",
    ),
    path(
        "setup/index-sets/<int:pk>/items/<int:item_pk>/remove/",
        setup_index_sets.index_item_remove_view,
        name="index_item_remove",
    ),
    path(
        "setup/index-sets/<int:pk>/bands/",
        setup_index_sets.index_set_bands_view,
        name="index_set_bands",
    ),
    path(
        "setup/index-sets/<int:pk>/bands/<int:band_pk>/",
        setup_index_sets.index_set_band_edit_view,
        name="index_set_band_edit",
    ),
    path(
        "setup/index-sets/<int:pk>/bands/<int:band_pk>/remove/",
        setup_index_sets.index_set_band_remove_view,
        name="index_set_band_remove",
    ),
    # ------------------------------------------------------------ set-up: units and ranking groups
    path("setup/units/", setup_units.units_list, name="setup_units"),
    path("setup/units/add/", setup_units.unit_add_view, name="setup_unit_add"),
    path("setup/units/merge/", setup_units.unit_merge_view, name="setup_unit_merge"),
    path("setup/units/sheet/", setup_units.units_sheet_view, name="setup_units_sheet"),
    path(
        "setup/units/sheet/template.xlsx",
        setup_units.units_sheet_template,
        name="setup_units_sheet_template",
    ),
    path("setup/units/<int:pk>/rename/", setup_units.unit_rename_view, name="setup_unit_rename"),
    path("setup/units/<int:pk>/split/", setup_units.unit_split_view, name="setup_unit_split"),
    path(
        "setup/units/<int:pk>/dissolve/",
        setup_units.unit_dissolve_view,
        name="setup_unit_dissolve",
    ),
    path(
        "setup/periods/<int:pk>/groups/",
        setup_units.period_groups_view,
        name="setup_period_groups",
    ),
    # ------------------------------------------------------------ survey and data uploads
    path("periods/<int:pk>/survey/", survey_data.survey_upload_view, name="survey_upload"),
    path(
        "periods/<int:pk>/survey/template.xlsx",
        survey_data.survey_template_view,
        name="survey_template",
    ),
    path("periods/<int:pk>/data/", survey_data.data_upload_view, name="data_upload"),
    path(
        "periods/<int:pk>/data/template.xlsx",
        survey_data.data_template_view,
        name="data_template",
    ),
    # ------------------------------------------------------------ remediation progress
    path("improvement/tasks/", remediation_progress.task_list, name="task_list"),
    path("improvement/tasks/<int:pk>/", remediation_progress.task_detail, name="task_detail"),
    path("improvement/files/<int:pk>/", remediation_progress.task_file, name="task_file"),
    path(
        "improvement/dashboard/",
        remediation_progress.improvement_dashboard,
        name="improvement_dashboard",
    ),
    # ------------------------------------------------------------ inspections (issue 15)
    path("inspections/", inspections.inspection_list, name="inspection_list"),
    path("inspections/new/", inspections.inspection_create_view, name="inspection_create"),
    path("inspections/<int:pk>/", inspections.inspection_detail_view, name="inspection_detail"),
    path("inspections/<int:pk>/edit/", inspections.inspection_edit_view, name="inspection_edit"),
    path(
        "inspections/<int:pk>/findings/new/",
        inspections.finding_form_view,
        name="inspection_finding_add",
    ),
    path(
        "inspections/<int:pk>/findings/<int:finding_pk>/",
        inspections.finding_form_view,
        name="inspection_finding_edit",
    ),
    path(
        "inspections/<int:pk>/findings/<int:finding_pk>/task/",
        inspections.finding_task_view,
        name="inspection_finding_task",
    ),
    path("inspections/files/<int:pk>/", inspections.inspection_file_view, name="inspection_file"),
    # ------------------------------------------------------------ improvement: targets and plans
    path(
        "periods/<int:pk>/units/<int:unit_pk>/target/",
        remediation_plans.unit_target_view,
        name="unit_target",
    ),
    path("plans/", remediation_plans.plan_list, name="plan_list"),
    path("periods/<int:pk>/plans/draft/", remediation_plans.plan_draft_view, name="plan_draft"),
    path("plans/<int:pk>/", remediation_plans.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", remediation_plans.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/issue/", remediation_plans.plan_issue_view, name="plan_issue"),
    path("plans/<int:pk>/tasks/add/", remediation_plans.plan_task_add_view, name="plan_task_add"),
    path(
        "plans/<int:pk>/tasks/<int:task_pk>/",
        remediation_plans.plan_task_edit_view,
        name="plan_task_edit",
    ),
    path(
        "plans/<int:pk>/tasks/<int:task_pk>/remove/",
        remediation_plans.plan_task_remove_view,
        name="plan_task_remove",
    ),
    path(
        "plans/<int:pk>/tasks/<int:task_pk>/move/",
        remediation_plans.plan_task_move_view,
        name="plan_task_move",
    ),
]
