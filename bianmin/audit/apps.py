from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "bianmin.audit"
    label = "audit"
    verbose_name = "审计"
