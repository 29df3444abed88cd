from django.urls import path

from governance.catalogue import views as views_catalogue

app_name = "governance"

urlpatterns = [
    path("", views_catalogue.options, name="options"),
    path("<int:number>/", views_catalogue.option_detail, name="option_detail"),
    path("ratings/", views_catalogue.ratings, name="ratings"),
    path("explorer/", views_catalogue.explorer, name="explorer"),
    path("delivery-models/", views_catalogue.delivery_models, name="delivery_models"),
]
