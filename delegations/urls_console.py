from django.urls import path

from delegations import views

app_name = "delegations_admin"

urlpatterns = [
    path("", views.schemes, name="schemes"),
    path("schemes/add/", views.scheme_add, name="scheme_add"),
    path("schemes/<int:pk>/", views.scheme, name="scheme"),
    path("schemes/<int:pk>/edit/", views.scheme_edit, name="scheme_edit"),
    path("schemes/<int:pk>/in-force/", views.scheme_in_force, name="scheme_in_force"),
    path("schemes/<int:pk>/download/", views.scheme_download, name="scheme_download"),
    path("schemes/<int:pk>/upload/", views.scheme_upload, name="scheme_upload"),
    path("schemes/<int:pk>/lines/add/", views.line_add, name="line_add"),
    path("lines/<int:pk>/edit/", views.line_edit, name="line_edit"),
    path("lines/<int:pk>/remove/", views.line_remove, name="line_remove"),
    path("template/", views.template_download, name="template_download"),
    path("matters/", views.matters, name="matters"),
    path("matters/add/", views.matter_add, name="matter_add"),
    path("matters/<int:pk>/edit/", views.matter_edit, name="matter_edit"),
    path("matters/<int:pk>/remove/", views.matter_remove, name="matter_remove"),
    path("roles/", views.roles, name="roles"),
    path("roles/add/", views.role_add, name="role_add"),
    path("roles/<int:pk>/edit/", views.role_edit, name="role_edit"),
]
