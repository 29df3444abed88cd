from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = "Partners, people and roles"

    def ready(self) -> None:
        # Connects the sign-in signal that decides whether a session needs a second factor.
        from partners import two_factor  # noqa: F401
