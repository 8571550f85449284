from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "bianmin.catalog"
    label = "catalog"
    verbose_name = "事项目录"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from .models import Fee, ItemVersion, KindRule, Material, ServiceItem
        from .selectors import forget_kind_rules, forget_pinned_versions

        for signal in (post_save, post_delete):
            for model in (ItemVersion, ServiceItem, Fee, Material):
                signal.connect(forget_pinned_versions, sender=model, weak=False,
                               dispatch_uid=f"bianmin.catalog.pinned.{signal is post_save}.{model._meta.label}")
            signal.connect(forget_kind_rules, sender=KindRule, weak=False,
                           dispatch_uid=f"bianmin.catalog.kindrules.{signal is post_save}")
