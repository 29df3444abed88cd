from django.contrib import admin
from django.urls import include, path

from design import views_place
from partners import views as partner_views

urlpatterns = [
    path("", views_place.home, name="home"),
    path("places/<int:place_pk>/", views_place.place_detail, name="place_detail"),
    path(
        "places/<int:place_pk>/rounds/",
        include("governance.consultation.urls_proposal", namespace="proposal"),
    ),
    path(
        "places/<int:place_pk>/committees/",
        include("governance.structures.urls", namespace="committees"),
    ),
    path(
        "places/<int:place_pk>/delivery/",
        include("governance.delivery.urls", namespace="delivery"),
    ),
    path(
        "places/<int:place_pk>/neighbourhoods/",
        include("partners.urls_neighbourhoods", namespace="neighbourhoods"),
    ),
    path("places/<int:place_pk>/map/", include("design.urls_map", namespace="map")),
    path(
        "places/<int:place_pk>/delegations/",
        include("delegations.urls_place", namespace="delegations_place"),
    ),
    path("places/<int:place_pk>/design/", include("design.urls", namespace="design")),
    path("accessibility/", partner_views.accessibility, name="accessibility"),
    path("accounts/", include("partners.urls_accounts")),
    path("console/", include("console.urls", namespace="console")),
    path("feedback/", include("governance.consultation.urls_feedback", namespace="feedback")),
    path("options/", include("governance.catalogue.urls", namespace="governance")),
    path("admin/", admin.site.urls),
]
