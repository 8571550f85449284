from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "bianmin.accounts"
    label = "accounts"
    verbose_name = "账号与角色"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from .services import sync_roles

        post_migrate.connect(lambda **kw: sync_roles(), sender=self, weak=False,
                             dispatch_uid="bianmin.accounts.sync_roles")
