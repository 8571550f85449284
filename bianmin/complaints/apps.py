from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "bianmin.complaints"
    label = "complaints"
    verbose_name = "监督投诉"
