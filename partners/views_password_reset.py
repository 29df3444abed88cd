"""The password reset request page, throttled (partners.throttling) so that nobody can use it
to flood a person's inbox or to probe addresses from one connection."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.shortcuts import render

from partners import throttling
from partners.forms import NHSPasswordResetForm

THROTTLED = "registration/password_reset_throttled.html"


class PasswordResetView(auth_views.PasswordResetView):
    form_class = NHSPasswordResetForm

    def form_valid(self, form: NHSPasswordResetForm) -> HttpResponse:
        wait = throttling.password_reset_wait(
            request=self.request, email=form.cleaned_data["email"]
        )
        if wait:
            # The same page for every address, with or without an account: the counts
            # behind it are kept for any address typed.
            context = {"wait": throttling.wait_text(wait)}
            return render(self.request, THROTTLED, context, status=429)
        return super().form_valid(form)
