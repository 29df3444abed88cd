"""A place's committees and their terms of reference, under /places/<place>/committees/."""

from django.urls import include, path

from governance.structures import views_committees, views_members, views_tor

app_name = "committees"

# The seats of a body, under <body>/members/.
member_patterns = [
    path("add/", views_members.member_add, name="member_add"),
    path("<int:member_pk>/edit/", views_members.member_edit, name="member_edit"),
    path("<int:member_pk>/remove/", views_members.member_remove, name="member_remove"),
]

# One version of a body's terms of reference, under <body>/terms/<number>/.
version_patterns = [
    path("", views_tor.tor_page, name="tor"),
    path("edit/", views_tor.tor_edit, name="tor_edit"),
    path("submit/", views_tor.tor_submit, name="tor_submit"),
    path("approve/", views_tor.tor_approve, name="tor_approve"),
    path("return/", views_tor.tor_return, name="tor_return"),
    path("download/<str:fmt>/", views_tor.tor_download, name="tor_download"),
]

urlpatterns = [
    path("", views_committees.committee_list, name="list"),
    path("add/", views_committees.committee_add, name="add"),
    path("<int:pk>/", views_committees.committee_page, name="committee"),
    path("<int:pk>/edit/", views_committees.committee_edit, name="edit"),
    path("<int:pk>/deactivate/", views_committees.committee_deactivate, name="deactivate"),
    path("<int:pk>/members/", include(member_patterns)),
    path("<int:pk>/terms/new/", views_tor.tor_new, name="tor_new"),
    path("<int:pk>/terms/compare/", views_tor.tor_diff, name="tor_diff"),
    path("<int:pk>/terms/<int:number>/", include(version_patterns)),
]
