from django.apps import AppConfig


class SweepConfig(AppConfig):
    name = "bianmin.sweep"
    label = "sweep"
    verbose_name = "时限巡检"
