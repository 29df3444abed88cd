"""The application's URLs plus a baseline for benchmarks: `bench/minimal/` renders a tiny
template through the full middleware stack with no database query, so page throughput can be
reported as a ratio to it. Used only by config.settings.bench; config/urls.py never includes
it."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from config.urls import urlpatterns as app_urlpatterns


@require_GET
def minimal(request: HttpRequest) -> HttpResponse:
    return render(request, "bench/minimal.html", {"message": "Hello from the baseline view."})


urlpatterns = [
    *app_urlpatterns,
    path("bench/minimal/", minimal, name="bench_minimal"),
]
