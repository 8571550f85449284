from django.apps import AppConfig, apps


class AccountsConfig(AppConfig):
    name = "bianmin.accounts"
    label = "accounts"
    verbose_name = "账号与角色"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

        from .models import ApiToken
        from .services import forget_cached_tokens, sync_roles

        user_model = get_user_model()
        for signal in (post_save, post_delete):
            for model in (user_model, ApiToken):
                signal.connect(forget_cached_tokens, sender=model, weak=False,
                               dispatch_uid=f"bianmin.accounts.tokens.{signal is post_save}.{model._meta.label}")
        m2m_changed.connect(forget_cached_tokens, sender=user_model.groups.through, weak=False,
                            dispatch_uid="bianmin.accounts.tokens.groups")

        def _after_all_apps(sender, **kwargs):
            # Model permissions of every app exist only once the last app has been migrated.
            with_models = [c for c in apps.get_app_configs() if c.models_module is not None]
            if sender is with_models[-1]:
                sync_roles()

        post_migrate.connect(_after_all_apps, weak=False, dispatch_uid="bianmin.accounts.sync_roles")
