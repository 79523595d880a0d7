from django.apps import AppConfig


class SyncConfig(AppConfig):
    name = "sync"
    verbose_name = "Sync to Accurate"

    def ready(self) -> None:
        from sync.ops import checks  # noqa: F401  (registers the system checks)
        from sync.ops.heartbeats import connect_signals

        connect_signals()  # a worker's heartbeat starts once it is ready
