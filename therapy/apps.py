from django.apps import AppConfig


class TherapyConfig(AppConfig):
    name = "therapy"
    verbose_name = "Therapy"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from therapy import (
            signals,  # noqa: F401  (stored files follow deleted rows)
            tasks,  # noqa: F401  (registered, so services can send them by name)
        )
