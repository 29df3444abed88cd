from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "Governance options, consultation and committees"

    def ready(self) -> None:
        # Keeps cached framework catalogues in step with edits to the framework's parts.
        from governance.catalogue import signals  # noqa: F401
