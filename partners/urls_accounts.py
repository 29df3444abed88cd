"""Signing in and out, invitations, password resets and two-factor authentication, under
/accounts/. The names stay unprefixed ("login", "two_factor_verify"): Django's settings and
its own auth views look them up by those names."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from partners import views as partner_views
from partners import views_password_reset, views_two_factor
from partners.forms import NHSSetPasswordForm, SignInForm

urlpatterns = [
    path("invitation/<str:token>/", partner_views.invitation_accept_view, name="invitation_accept"),
    path("invitations/<int:pk>/", partner_views.membership_offer_view, name="membership_offer"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=SignInForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path(
        "password_reset/",
        views_password_reset.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=NHSSetPasswordForm),
        name="password_reset_confirm",
    ),
    path("two-factor/", views_two_factor.two_factor_verify, name="two_factor_verify"),
    path("two-factor/set-up/", views_two_factor.two_factor_setup, name="two_factor_setup"),
    path(
        "two-factor/backup-codes/",
        views_two_factor.two_factor_backup_codes,
        name="two_factor_backup_codes",
    ),
    path("security/", views_two_factor.account_security, name="account_security"),
    path(
        "security/backup-codes/",
        views_two_factor.backup_codes_new,
        name="two_factor_backup_codes_new",
    ),
    path("security/turn-off/", views_two_factor.two_factor_turn_off, name="two_factor_turn_off"),
    # Django's own views for the rest (logout, password change, the reset e-mail's pages).
    path("", include("django.contrib.auth.urls")),
]
