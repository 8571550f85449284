from django.apps import AppConfig, apps


class AccountsConfig(AppConfig):
    name = "bianmin.accounts"
    label = "accounts"
    verbose_name = "账号与角色"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from .services import sync_roles

        def _after_all_apps(sender, **kwargs):
            # Model permissions of every app exist only once the last app has been migrated.
            with_models = [c for c in apps.get_app_configs() if c.models_module is not None]
            if sender is with_models[-1]:
                sync_roles()

        post_migrate.connect(_after_all_apps, weak=False, dispatch_uid="bianmin.accounts.sync_roles")
