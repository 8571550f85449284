from django.apps import AppConfig


class SweepConfig(AppConfig):
    name = "bianmin.sweep"
    label = "sweep"
    verbose_name = "时限巡检"

    def ready(self) -> None:
        from bianmin.cases.facts import register_recorder

        from .services import record_late_acceptance

        register_recorder(record_late_acceptance)
