from django.urls import path

from delegations import views

app_name = "delegations_place"

urlpatterns = [
    path("", views.place_delegations, name="delegations"),
]
