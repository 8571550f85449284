from django.apps import AppConfig


class RelayConfig(AppConfig):
    name = "bianmin.relay"
    label = "relay"
    verbose_name = "全程代理"
