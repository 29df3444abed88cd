"""The readers' pages (advisory and oversight groups): a system's released, anonymised
feedback summaries, under /feedback/."""

from django.urls import path

from governance.consultation import views_feedback as views

app_name = "feedback"

SYSTEM = "<slug:system_slug>/"
SUMMARY = f"{SYSTEM}<int:round_pk>/"

urlpatterns = [
    path(SYSTEM, views.summaries, name="summaries"),
    path(SUMMARY, views.summary, name="summary"),
    path(f"{SUMMARY}download/<str:part>/<str:fmt>/", views.download, name="download"),
]
