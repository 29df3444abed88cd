"""A place's response to a consultation round, under /places/<place>/rounds/<round>/."""

from django.urls import include, path, register_converter

from governance.catalogue.rules import option_set_numbers
from governance.consultation import views_proposal as views


class OptionSetConverter:
    """An option set in its canonical form ("1+4": ascending, joined by "+"); anything else
    ("4+1", "1++4", "01+4") does not match, so the address is not found."""

    regex = r"[0-9]+(?:\+[0-9]+)*"

    def to_python(self, value: str) -> str:
        option_set_numbers(value)  # a ValueError for a non-canonical key: no match
        return value

    def to_url(self, value: str) -> str:
        option_set_numbers(value)
        return value


register_converter(OptionSetConverter, "option_set")

app_name = "proposal"

response_patterns = [
    # The overview (a task list), each section's page, and "check your answers".
    path("", views.response_page, name="response"),
    path("your-proposal/", views.proposal_section, name="section_proposal"),
    path("ratings/<int:option_pk>/", views.ratings_section, name="section_ratings"),
    path("questions/", views.questions_section, name="section_questions"),
    path("check/", views.check, name="check"),
    # The autosaving fields.
    path("proposal/", views.proposal, name="proposal"),
    path("answers/<int:question_pk>/", views.answer, name="answer"),
    # A rating cell of the option alone; with an option set, of the option in that context.
    path("ratings/<int:option_pk>/<int:principle_pk>/", views.rating, name="rating"),
    path(
        "ratings/<int:option_pk>/<int:principle_pk>/<option_set:option_set>/",
        views.rating,
        name="rating_in_context",
    ),
    path("completeness/", views.completeness, name="completeness"),
    path("submit/", views.submit, name="submit"),
    path("withdraw/", views.withdraw, name="withdraw"),
    path("history/", views.history, name="history"),
]

urlpatterns = [path("<int:round_pk>/", include(response_patterns))]
