"""A place's response to a consultation round, under /places/<place>/rounds/."""

from django.urls import path

from governance.consultation import views_proposal as views

app_name = "proposal"

urlpatterns = [
    path("<int:round_pk>/", views.response_page, name="response"),
    path("<int:round_pk>/proposal/", views.proposal, name="proposal"),
    path("<int:round_pk>/answers/<int:question_pk>/", views.answer, name="answer"),
    path(
        "<int:round_pk>/ratings/<int:option_pk>/<int:principle_pk>/",
        views.rating,
        name="rating",
    ),
    path("<int:round_pk>/completeness/", views.completeness, name="completeness"),
    path("<int:round_pk>/submit/", views.submit, name="submit"),
    path("<int:round_pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:round_pk>/history/", views.history, name="history"),
]
