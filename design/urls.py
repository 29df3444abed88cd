"""A place's design checklist and decision router, under /places/<place>/design/."""

from django.urls import path

from design import views_check as views

app_name = "design"

urlpatterns = [
    path("check/", views.check, name="check"),
    path("decide/", views.decide, name="decide"),
]
