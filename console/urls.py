"""Every page of the ICB admin console, under /console/<system>/."""

from django.urls import path

from console.views import (
    audit,
    dashboard,
    matters,
    organisations,
    people,
    places,
    redactions,
    roles,
    rounds,
    schemes,
    summaries,
)

app_name = "console"

S = "<slug:system_slug>/"
PLACE = f"{S}places/<int:pk>/"
ORGANISATION = f"{S}organisations/<int:pk>/"
PERSON = f"{S}people/<int:pk>/"
ROUND = f"{S}rounds/<int:pk>/"
SUMMARY = f"{S}rounds/<int:round_pk>/summary/"
DELEGATION = f"{S}delegations/"

urlpatterns = [
    path("", dashboard.landing, name="landing"),
    path(S, dashboard.dashboard, name="dashboard"),
    path(f"{S}audit/", audit.audit, name="audit"),
    path(f"{S}system/", dashboard.system_edit, name="system_edit"),
    # Places
    path(f"{S}places/", places.places, name="places"),
    path(f"{S}places/add/", places.place_add, name="place_add"),
    path(PLACE, places.place_detail, name="place"),
    path(f"{PLACE}row/", places.place_row, name="place_row"),
    path(f"{PLACE}edit/", places.place_edit, name="place_edit"),
    path(f"{PLACE}active/", places.place_active, name="place_active"),
    path(f"{PLACE}partners/add/", places.place_partner_add, name="place_partner_add"),
    path(
        f"{PLACE}partners/<int:partner_pk>/remove/",
        places.place_partner_remove,
        name="place_partner_remove",
    ),
    # Organisations
    path(f"{S}organisations/", organisations.organisations, name="organisations"),
    path(f"{S}organisations/add/", organisations.organisation_add, name="organisation_add"),
    path(f"{ORGANISATION}row/", organisations.organisation_row, name="organisation_row"),
    path(f"{ORGANISATION}edit/", organisations.organisation_edit, name="organisation_edit"),
    path(f"{ORGANISATION}active/", organisations.organisation_active, name="organisation_active"),
    path(f"{ORGANISATION}delete/", organisations.organisation_delete, name="organisation_delete"),
    path(
        f"{ORGANISATION}aliases/add/",
        organisations.organisation_alias_add,
        name="organisation_alias_add",
    ),
    path(
        f"{ORGANISATION}aliases/<int:alias_pk>/remove/",
        organisations.organisation_alias_remove,
        name="organisation_alias_remove",
    ),
    # People and their roles
    path(f"{S}people/", people.people, name="people"),
    path(f"{S}people/invite/", people.person_invite, name="person_invite"),
    path(f"{PERSON}row/", people.person_row, name="person_row"),
    path(f"{PERSON}roles/add/", people.person_membership_add, name="person_membership_add"),
    path(
        f"{PERSON}resend-invitation/",
        people.person_resend_invitation,
        name="person_resend_invitation",
    ),
    path(f"{PERSON}deactivate/", people.person_deactivate, name="person_deactivate"),
    path(
        f"{PERSON}two-factor-reset/", people.person_two_factor_reset, name="person_two_factor_reset"
    ),
    path(f"{S}roles/<int:pk>/", people.membership_item, name="membership"),
    path(f"{S}roles/<int:pk>/edit/", people.membership_edit, name="membership_edit"),
    path(f"{S}roles/<int:pk>/end/", people.membership_end, name="membership_end"),
    # Consultation rounds
    path(f"{S}rounds/", rounds.rounds_list, name="rounds"),
    path(f"{S}rounds/add/", rounds.round_add, name="round_add"),
    path(ROUND, rounds.round_detail, name="round"),
    path(f"{ROUND}progress/", rounds.round_progress, name="round_progress"),
    path(f"{ROUND}edit/", rounds.round_edit, name="round_edit"),
    path(f"{ROUND}extend/", rounds.round_extend, name="round_extend"),
    path(f"{ROUND}close/", rounds.round_close, name="round_close"),
    # A round's anonymised feedback summary
    path(SUMMARY, summaries.summary_page, name="summary"),
    path(f"{SUMMARY}progress/", summaries.summary_progress, name="summary_progress"),
    path(f"{SUMMARY}compile/", summaries.summary_compile, name="summary_compile"),
    path(f"{SUMMARY}approve/", summaries.summary_approve, name="summary_approve"),
    path(f"{SUMMARY}release/<str:part>/", summaries.summary_release_part, name="summary_release"),
    path(
        f"{SUMMARY}withdraw/<str:part>/", summaries.summary_withdraw_part, name="summary_withdraw"
    ),
    path(
        f"{SUMMARY}download/<str:part>/<str:fmt>/",
        summaries.summary_download,
        name="summary_download",
    ),
    path(f"{SUMMARY}review/", redactions.summary_review, name="summary_review"),
    path(f"{SUMMARY}redactions/add/", redactions.redaction_add, name="redaction_add"),
    path(f"{SUMMARY}redactions/keep/", redactions.redaction_keep, name="redaction_keep"),
    path(
        f"{SUMMARY}redactions/<int:pk>/remove/",
        redactions.redaction_remove,
        name="redaction_remove",
    ),
    # Schemes of reservation and delegation
    path(DELEGATION, schemes.schemes, name="schemes"),
    path(f"{DELEGATION}schemes/add/", schemes.scheme_add, name="scheme_add"),
    path(f"{DELEGATION}schemes/<int:pk>/", schemes.scheme, name="scheme"),
    path(f"{DELEGATION}schemes/<int:pk>/edit/", schemes.scheme_edit, name="scheme_edit"),
    path(
        f"{DELEGATION}schemes/<int:pk>/in-force/", schemes.scheme_in_force, name="scheme_in_force"
    ),
    path(
        f"{DELEGATION}schemes/<int:pk>/download/", schemes.scheme_download, name="scheme_download"
    ),
    path(f"{DELEGATION}schemes/<int:pk>/upload/", schemes.scheme_upload, name="scheme_upload"),
    path(f"{DELEGATION}schemes/<int:pk>/lines/add/", schemes.line_add, name="line_add"),
    path(f"{DELEGATION}lines/<int:pk>/edit/", schemes.line_edit, name="line_edit"),
    path(f"{DELEGATION}lines/<int:pk>/remove/", schemes.line_remove, name="line_remove"),
    path(f"{DELEGATION}template/", schemes.scheme_template, name="scheme_template"),
    path(f"{DELEGATION}matters/", matters.matters, name="matters"),
    path(f"{DELEGATION}matters/add/", matters.matter_add, name="matter_add"),
    path(f"{DELEGATION}matters/<int:pk>/edit/", matters.matter_edit, name="matter_edit"),
    path(f"{DELEGATION}matters/<int:pk>/remove/", matters.matter_remove, name="matter_remove"),
    path(f"{DELEGATION}roles/", roles.delegate_roles, name="delegate_roles"),
    path(f"{DELEGATION}roles/add/", roles.delegate_role_add, name="delegate_role_add"),
    path(f"{DELEGATION}roles/<int:pk>/edit/", roles.delegate_role_edit, name="delegate_role_edit"),
]
