from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = "Partners, people and roles"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        # Connects the sign-in signal that decides whether a session needs a second factor.
        from partners import two_factor  # noqa: F401

        post_migrate.connect(_catalogue_editors_group_made, dispatch_uid="catalogue-editors")


def _catalogue_editors_group_made(sender: AppConfig, **kwargs: object) -> None:
    """Once the catalogue's models (and their permissions) exist, make sure the national group
    that edits it exists with exactly its permissions."""
    if sender.label != "governance":
        return
    from partners.permissions import catalogue_editors_group

    catalogue_editors_group()
