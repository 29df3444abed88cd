from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from design import views_place
from partners import views as partner_views
from partners import views_two_factor
from partners.forms import NHSPasswordResetForm, NHSSetPasswordForm, SignInForm

urlpatterns = [
    path("", views_place.home, name="home"),
    path("places/<int:place_pk>/", views_place.place_detail, name="place_detail"),
    path(
        "places/<int:place_pk>/rounds/",
        include("governance.consultation.urls_proposal", namespace="proposal"),
    ),
    path(
        "places/<int:place_pk>/committees/",
        include("governance.structures.urls", namespace="committees"),
    ),
    path("places/<int:place_pk>/map/", include("design.urls_map", namespace="map")),
    path(
        "places/<int:place_pk>/delegations/",
        include("delegations.urls_place", namespace="delegations_place"),
    ),
    path("places/<int:place_pk>/design/", include("design.urls", namespace="design")),
    path("accessibility/", partner_views.accessibility, name="accessibility"),
    path(
        "accounts/invitation/<str:token>/",
        partner_views.invitation_accept_view,
        name="invitation_accept",
    ),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=SignInForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=NHSPasswordResetForm),
        name="password_reset",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=NHSSetPasswordForm),
        name="password_reset_confirm",
    ),
    path("accounts/two-factor/", views_two_factor.two_factor_verify, name="two_factor_verify"),
    path("accounts/two-factor/set-up/", views_two_factor.two_factor_setup, name="two_factor_setup"),
    path(
        "accounts/two-factor/backup-codes/",
        views_two_factor.two_factor_backup_codes,
        name="two_factor_backup_codes",
    ),
    path("accounts/security/", views_two_factor.account_security, name="account_security"),
    path(
        "accounts/security/backup-codes/",
        views_two_factor.backup_codes_new,
        name="two_factor_backup_codes_new",
    ),
    path(
        "accounts/security/turn-off/",
        views_two_factor.two_factor_turn_off,
        name="two_factor_turn_off",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("console/", include("console.urls", namespace="console")),
    path("feedback/", include("governance.consultation.urls_feedback", namespace="feedback")),
    path("options/", include("governance.catalogue.urls", namespace="governance")),
    path("admin/", admin.site.urls),
]
