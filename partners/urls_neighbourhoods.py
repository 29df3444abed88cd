"""A place's neighbourhoods, under /places/<place>/neighbourhoods/."""

from django.urls import path

from partners import views_neighbourhoods as views

app_name = "neighbourhoods"

urlpatterns = [
    path("", views.neighbourhood_list, name="list"),
    path("add/", views.neighbourhood_add, name="add"),
    path("<int:pk>/edit/", views.neighbourhood_edit, name="edit"),
    path("<int:pk>/deactivate/", views.neighbourhood_deactivate, name="deactivate"),
]
