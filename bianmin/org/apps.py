from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "bianmin.org"
    label = "org"
    verbose_name = "机构与人员"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from bianmin.accounts.services import forget_cached_tokens

        from .models import StaffProfile, Unit

        # Cached token lookups carry the staff profile with its unit: drop them when either changes.
        for signal in (post_save, post_delete):
            for model in (StaffProfile, Unit):
                signal.connect(forget_cached_tokens, sender=model, weak=False,
                               dispatch_uid=f"bianmin.org.tokens.{signal is post_save}.{model._meta.label}")
