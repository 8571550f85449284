"""Admin building blocks shared by the apps."""
from __future__ import annotations


class ReadOnlyAdminMixin:
    """For records written only by services (outbox, sweep log, official calendar years): the admin may look,
    never add, change or delete."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
