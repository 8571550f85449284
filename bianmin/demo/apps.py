from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "bianmin.demo"
    label = "demo"
    verbose_name = "演示数据"

    def ready(self):
        from . import checks  # noqa: F401 (registers the system check)
