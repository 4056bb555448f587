from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

# The URL root is where every app's pages meet; it is the one place above the apps (see the
# import-linter contracts in pyproject.toml).
from scoring.views.home import home

from . import views

urlpatterns = [
    path("", home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("reports/", include("reports.urls")),
    path("", include("scoring.urls")),
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
]
