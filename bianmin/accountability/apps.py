from django.apps import AppConfig


class AccountabilityConfig(AppConfig):
    name = "bianmin.accountability"
    label = "accountability"
    verbose_name = "过错责任追究"
