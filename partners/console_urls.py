from django.urls import path

from partners import console_views as views

app_name = "console"

urlpatterns = [
    path("<slug:system_slug>/", views.dashboard, name="dashboard"),
]
