"""A place's response to a consultation round, under /places/<place>/rounds/<round>/."""

from django.urls import include, path

from governance.consultation import views_proposal as views

app_name = "proposal"

response_patterns = [
    path("", views.response_page, name="response"),
    path("proposal/", views.proposal, name="proposal"),
    path("answers/<int:question_pk>/", views.answer, name="answer"),
    path("ratings/<int:option_pk>/<int:principle_pk>/", views.rating, name="rating"),
    path("completeness/", views.completeness, name="completeness"),
    path("submit/", views.submit, name="submit"),
    path("withdraw/", views.withdraw, name="withdraw"),
    path("history/", views.history, name="history"),
]

urlpatterns = [path("<int:round_pk>/", include(response_patterns))]
