"""Read-only view of the outbox for operators: what is pending, what failed and why (phones masked)."""
from django.contrib import admin

from bianmin.core.admin import ReadOnlyAdminMixin

from .models import Message


@admin.register(Message)
class MessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "channel", "kind", "recipient", "masked_phone", "status", "attempts",
                    "next_attempt_at", "last_error"]
    list_filter = ["status", "channel", "kind"]
    date_hierarchy = "created_at"
    exclude = ["phone", "phone_masked", "body"]
    readonly_fields = ["masked_phone"]

    @admin.display(description="手机号码")
    def masked_phone(self, obj):
        return obj.phone_masked  # the stored masked copy: the list never decrypts
