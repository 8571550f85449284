from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "bianmin.users"
    label = "users"
    verbose_name = "用户"
