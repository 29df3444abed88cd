from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "Governance options, consultation and committees"

    def ready(self) -> None:
        # Keeps cached framework catalogues in step with edits to the framework's parts.
        from governance.catalogue import signals  # noqa: F401
        from governance.structures.names import committee_names
        from partners import names

        # Committee names identify a place: the anonymisation of feedback removes them.
        names.register(committee_names)
