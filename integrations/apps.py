from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = "Platform integration"

    def ready(self):
        from . import worker_start  # noqa: F401 - connects its signal receiver
