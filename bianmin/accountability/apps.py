from django.apps import AppConfig


class AccountabilityConfig(AppConfig):
    name = "bianmin.accountability"
    label = "accountability"
    verbose_name = "过错责任追究"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system check)
