"""A place's committees and their terms of reference, under /places/<place>/committees/."""

from django.urls import path

from governance.structures import views

app_name = "committees"

urlpatterns = [
    path("", views.committee_list, name="list"),
    path("add/", views.committee_add, name="add"),
    path("<int:pk>/", views.committee_page, name="committee"),
    path("<int:pk>/edit/", views.committee_edit, name="edit"),
    path("<int:pk>/deactivate/", views.committee_deactivate, name="deactivate"),
    path("<int:pk>/members/add/", views.member_add, name="member_add"),
    path("<int:pk>/members/<int:member_pk>/edit/", views.member_edit, name="member_edit"),
    path("<int:pk>/members/<int:member_pk>/remove/", views.member_remove, name="member_remove"),
    path("<int:pk>/terms/new/", views.tor_new, name="tor_new"),
    path("<int:pk>/terms/compare/", views.tor_diff, name="tor_diff"),
    path("<int:pk>/terms/<int:number>/", views.tor_page, name="tor"),
    path("<int:pk>/terms/<int:number>/edit/", views.tor_edit, name="tor_edit"),
    path("<int:pk>/terms/<int:number>/submit/", views.tor_submit, name="tor_submit"),
    path("<int:pk>/terms/<int:number>/approve/", views.tor_approve, name="tor_approve"),
    path("<int:pk>/terms/<int:number>/return/", views.tor_return, name="tor_return"),
    path(
        "<int:pk>/terms/<int:number>/download/<str:fmt>/",
        views.tor_download,
        name="tor_download",
    ),
]
