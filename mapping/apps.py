from django.apps import AppConfig


class MappingConfig(AppConfig):
    name = "mapping"
    verbose_name = "Link to Accurate: connection and outlet mappings"

    def ready(self) -> None:
        from mapping import checks  # noqa: F401  (registers the system checks)
