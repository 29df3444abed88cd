"""A place's design checklist and decision router, under /places/<place>/design/."""

from django.urls import path

from governance import views_design as views

app_name = "design"

urlpatterns = [
    path("check/", views.check, name="check"),
    path("decide/", views.decide, name="decide"),
]
