from django.apps import AppConfig


class HallConfig(AppConfig):
    name = "bianmin.hall"
    label = "hall"
    verbose_name = "服务大厅"
