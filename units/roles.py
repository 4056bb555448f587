"""Roles and the permissions each grants — declared once; every access check reads this table."""

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    UNIT_STAFF = "unit_staff", _("Unit staff")
    APPRAISER = "appraiser", _("Appraiser")
    COUNCIL_CHAIR = "council_chair", _("Council chair")
    HOME_AFFAIRS = "home_affairs", _("Home Affairs officer")
    # Not granted through RoleGrant: a system admin is a Django superuser.
    SYSTEM_ADMIN = "system_admin", _("System admin")


class Permission(StrEnum):
    VIEW_ASSESSMENT = "view_assessment"
    EDIT_SELF_ASSESSMENT = "edit_self_assessment"
    SUBMIT_SELF_ASSESSMENT = "submit_self_assessment"
    ANSWER_EXPLANATION = "answer_explanation"
    APPRAISE = "appraise"
    FINALISE_APPRAISAL = "finalise_appraisal"
    REOPEN_APPRAISAL = "reopen_appraisal"
    REOPEN_SELF_ASSESSMENT = "reopen_self_assessment"
    MANAGE_PERIOD = "manage_period"
    # Staff accounts: Home Affairs for its organiser's units, the system admin for all.
    MANAGE_ACCOUNTS = "manage_accounts"
    ENTER_SURVEY = "enter_survey"
    VIEW_RESULTS = "view_results"
    PUBLISH_RESULTS = "publish_results"
    BUILD_REPORTS = "build_reports"
    VIEW_AUDIT = "view_audit"
    # Improvement after publication: Home Affairs drafts and issues the province's plan and
    # records inspections; a unit's staff draft their own unit's plan and report progress on
    # the tasks their unit owns.
    MANAGE_IMPROVEMENT = "manage_improvement"
    DRAFT_UNIT_PLAN = "draft_unit_plan"
    REPORT_TASK_PROGRESS = "report_task_progress"


P = Permission

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.UNIT_STAFF: frozenset(
        {
            P.VIEW_ASSESSMENT,
            P.EDIT_SELF_ASSESSMENT,
            P.SUBMIT_SELF_ASSESSMENT,
            P.ANSWER_EXPLANATION,
            P.DRAFT_UNIT_PLAN,
            P.REPORT_TASK_PROGRESS,
        }
    ),
    Role.APPRAISER: frozenset({P.VIEW_ASSESSMENT, P.APPRAISE, P.VIEW_AUDIT}),
    Role.COUNCIL_CHAIR: frozenset(
        {
            P.VIEW_ASSESSMENT,
            P.APPRAISE,
            P.FINALISE_APPRAISAL,
            P.REOPEN_APPRAISAL,
            P.VIEW_RESULTS,
            P.VIEW_AUDIT,
        }
    ),
    Role.HOME_AFFAIRS: frozenset(
        {
            P.VIEW_ASSESSMENT,
            P.REOPEN_SELF_ASSESSMENT,
            P.MANAGE_PERIOD,
            P.MANAGE_ACCOUNTS,
            P.ENTER_SURVEY,
            P.VIEW_RESULTS,
            P.PUBLISH_RESULTS,
            P.BUILD_REPORTS,
            P.VIEW_AUDIT,
            P.MANAGE_IMPROVEMENT,
        }
    ),
    # The system admin runs the system (accounts, the admin site); the year's work belongs to
    # accountable officials, so the admin reads everything but neither sets up periods,
    # deadlines and the council, nor self-assesses, appraises or publishes.
    Role.SYSTEM_ADMIN: frozenset(
        {P.VIEW_ASSESSMENT, P.MANAGE_ACCOUNTS, P.VIEW_RESULTS, P.BUILD_REPORTS, P.VIEW_AUDIT}
    ),
}

# Permissions an appraiser holds only for their areas: asking without naming the area means
# "for every area of the unit", which only an unrestricted scope grants.
AREA_SCOPED_PERMISSIONS = frozenset({Permission.APPRAISE})

# Roles whose scope is an organiser (all its units) rather than one unit.
ORGANISER_ROLES = frozenset({Role.APPRAISER, Role.COUNCIL_CHAIR, Role.HOME_AFFAIRS})

# Council roles: they judge the units, so separation of duties (units/duties.py) keeps them
# apart from a unit's staff and from Home Affairs, who sets up the council and publishes.
COUNCIL_ROLES = (Role.COUNCIL_CHAIR, Role.APPRAISER)
# Permissions that judge one unit's scores: never exercised on a unit one is staff of.
JUDGING_PERMISSIONS = frozenset(
    {
        Permission.APPRAISE,
        Permission.FINALISE_APPRAISAL,
        Permission.REOPEN_APPRAISAL,
        Permission.PUBLISH_RESULTS,
    }
)
