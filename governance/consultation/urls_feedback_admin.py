"""An ICB admin's pages for a round's anonymised feedback summary, under
/console/<system>/rounds/<round>/summary/."""

from django.urls import path

from governance.consultation import views_feedback as views

app_name = "summary_admin"

urlpatterns = [
    path("", views.summary_page, name="summary"),
    path("progress/", views.progress, name="progress"),
    path("compile/", views.compile_summary, name="compile"),
    path("release/", views.release, name="release"),
    path("withdraw/", views.withdraw, name="withdraw"),
    path("review/", views.review, name="review"),
    path("redactions/add/", views.redaction_add, name="redaction_add"),
    path("redactions/<int:pk>/remove/", views.redaction_remove, name="redaction_remove"),
    path("download/<str:fmt>/", views.admin_download, name="download"),
]
