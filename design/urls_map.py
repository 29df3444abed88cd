"""A place's governance map, under /places/<place>/map/."""

from django.urls import path

from design import views_map as views

app_name = "map"

urlpatterns = [
    path("", views.place_map, name="place_map"),
]
