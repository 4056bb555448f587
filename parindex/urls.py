from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from parindex.api_paths import API_PREFIX

# The URL root is where every app's pages meet; it is the one place above the apps (see the
# import-linter contracts in pyproject.toml).
from scoring.views.home import home

from . import views
from .auth_forms import PasswordForgotForm

urlpatterns = [
    path("", home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # Password set by the owner from an e-mailed link (new accounts, forgotten passwords).
    path(
        "accounts/password/reset/",
        auth_views.PasswordResetView.as_view(
            form_class=PasswordForgotForm,
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
            extra_email_context={"site_name": settings.PARINDEX_SITE_NAME},
        ),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/set/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/set/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("reports/", include("reports.urls")),
    # The open-data API (/api/v1/…) and the page that describes it (/api/).
    path(API_PREFIX, include("reports.api")),
    # The public results portal: published periods only, no login.
    path("ket-qua/", include("reports.public_urls")),
    path("", include("scoring.urls")),
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
]
