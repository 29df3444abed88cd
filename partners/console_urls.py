from django.urls import path

from governance.consultation import views_rounds
from partners import console_views as views

app_name = "console"

S = "<slug:system_slug>/"

urlpatterns = [
    path(S, views.dashboard, name="dashboard"),
    path(f"{S}audit/", views.audit, name="audit"),
    # Places
    path(f"{S}places/", views.places, name="places"),
    path(f"{S}places/add/", views.place_add, name="place_add"),
    path(f"{S}places/<int:pk>/", views.place_detail, name="place"),
    path(f"{S}places/<int:pk>/row/", views.place_row, name="place_row"),
    path(f"{S}places/<int:pk>/edit/", views.place_edit, name="place_edit"),
    path(f"{S}places/<int:pk>/active/", views.place_active, name="place_active"),
    path(f"{S}places/<int:pk>/partners/add/", views.place_partner_add, name="place_partner_add"),
    path(
        f"{S}places/<int:pk>/partners/<int:partner_pk>/remove/",
        views.place_partner_remove,
        name="place_partner_remove",
    ),
    # Organisations
    path(f"{S}organisations/", views.organisations, name="organisations"),
    path(f"{S}organisations/add/", views.organisation_add, name="organisation_add"),
    path(f"{S}organisations/<int:pk>/row/", views.organisation_row, name="organisation_row"),
    path(f"{S}organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path(
        f"{S}organisations/<int:pk>/active/",
        views.organisation_active,
        name="organisation_active",
    ),
    path(
        f"{S}organisations/<int:pk>/delete/",
        views.organisation_delete,
        name="organisation_delete",
    ),
    path(
        f"{S}organisations/<int:pk>/aliases/add/",
        views.organisation_alias_add,
        name="organisation_alias_add",
    ),
    path(
        f"{S}organisations/<int:pk>/aliases/<int:alias_pk>/remove/",
        views.organisation_alias_remove,
        name="organisation_alias_remove",
    ),
    # People and their roles
    path(f"{S}people/", views.people, name="people"),
    path(f"{S}people/invite/", views.person_invite, name="person_invite"),
    path(f"{S}people/<int:pk>/row/", views.person_row, name="person_row"),
    path(
        f"{S}people/<int:pk>/roles/add/",
        views.person_membership_add,
        name="person_membership_add",
    ),
    path(
        f"{S}people/<int:pk>/resend-invitation/",
        views.person_resend_invitation,
        name="person_resend_invitation",
    ),
    path(f"{S}people/<int:pk>/deactivate/", views.person_deactivate, name="person_deactivate"),
    path(
        f"{S}people/<int:pk>/two-factor-reset/",
        views.person_two_factor_reset,
        name="person_two_factor_reset",
    ),
    path(f"{S}roles/<int:pk>/", views.membership_item, name="membership"),
    path(f"{S}roles/<int:pk>/edit/", views.membership_edit, name="membership_edit"),
    path(f"{S}roles/<int:pk>/end/", views.membership_end, name="membership_end"),
    # Consultation rounds
    path(f"{S}rounds/", views_rounds.rounds_list, name="rounds"),
    path(f"{S}rounds/add/", views_rounds.round_add, name="round_add"),
    path(f"{S}rounds/<int:pk>/", views_rounds.round_detail, name="round"),
    path(f"{S}rounds/<int:pk>/progress/", views_rounds.round_progress, name="round_progress"),
    path(f"{S}rounds/<int:pk>/edit/", views_rounds.round_edit, name="round_edit"),
    path(f"{S}rounds/<int:pk>/extend/", views_rounds.round_extend, name="round_extend"),
    path(f"{S}rounds/<int:pk>/close/", views_rounds.round_close, name="round_close"),
]
