"""How a place delivers care, under /places/<place>/delivery/."""

from django.urls import path

from governance.delivery import views

app_name = "delivery"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("archetype/", views.archetype, name="archetype"),
    path("partners/", views.partners, name="partners"),
    path("functions/<str:function>/", views.holder, name="holder"),
    path("functions/<str:function>/remove/", views.holder_remove, name="holder_remove"),
    path("contracting-form/", views.contracting_form, name="contracting_form"),
    path("terms/", views.terms, name="terms"),
]
