"""The readers' pages (advisory and oversight groups): a system's released, anonymised
feedback summaries, under /feedback/."""

from django.urls import path

from governance.consultation import views_feedback as views

app_name = "feedback"

urlpatterns = [
    path("<slug:system_slug>/", views.summaries, name="summaries"),
    path("<slug:system_slug>/<int:round_pk>/", views.summary, name="summary"),
    path(
        "<slug:system_slug>/<int:round_pk>/download/<str:part>/<str:fmt>/",
        views.download,
        name="download",
    ),
]
