"""Roles (Django groups) and the custom permissions they hold, referenced through enums."""
from __future__ import annotations

import enum

from django.db import models


class Perm(enum.StrEnum):
    """Custom permissions, as ``app_label.codename`` strings usable with ``user.has_perm``."""

    USE_WORKBENCH = "accounts.use_workbench"
    HANDLE_INQUIRIES = "accounts.handle_inquiries"
    HANDLE_CASES = "accounts.handle_cases"
    RELAY_CASES = "accounts.relay_cases"
    APPROVE = "accounts.approve"
    SUPERVISE = "accounts.supervise"
    MANAGE_ORG = "accounts.manage_org"
    MANAGE_CATALOG = "accounts.manage_catalog"
    MANAGE_CALENDAR = "accounts.manage_calendar"
    MANAGE_ACCOUNTS = "accounts.manage_accounts"
    GRANT_ROLES = "accounts.grant_roles"
    UNLOCK_ACCOUNTS = "accounts.unlock_accounts"
    VIEW_AUDIT = "accounts.view_audit"
    VIEW_FULL_PERSONAL_DATA = "accounts.view_full_personal_data"
    RESET_CREDENTIALS = "accounts.reset_credentials"

    @property
    def codename(self) -> str:
        return self.value.split(".", 1)[1]


PERM_LABELS: dict[Perm, str] = {
    Perm.USE_WORKBENCH: "使用工作台",
    Perm.HANDLE_INQUIRIES: "登记首问咨询",
    Perm.HANDLE_CASES: "受理和办理办件",
    Perm.RELAY_CASES: "代办和上报办件",
    Perm.APPROVE: "审批移交、延期和问责",
    Perm.SUPERVISE: "监督投诉和过错追究",
    Perm.MANAGE_ORG: "管理机构、窗口和人员",
    Perm.MANAGE_CATALOG: "管理事项目录",
    Perm.MANAGE_CALENDAR: "管理工作日历",
    Perm.MANAGE_ACCOUNTS: "管理账号",
    Perm.GRANT_ROLES: "授予和撤销角色",
    Perm.UNLOCK_ACCOUNTS: "解除账号锁定",
    Perm.VIEW_AUDIT: "查阅审计记录",
    Perm.VIEW_FULL_PERSONAL_DATA: "查看完整个人信息",
    Perm.RESET_CREDENTIALS: "重置密码和第二因素",
}


class Role(models.TextChoices):
    WINDOW = "WINDOW", "窗口工作人员"
    AGENT = "AGENT", "代办员"
    LEADER = "LEADER", "中心领导"
    SUPERVISOR = "SUPERVISOR", "监督员"
    SYSADMIN = "SYSADMIN", "系统管理员"
    SECADMIN = "SECADMIN", "安全管理员"
    AUDITOR = "AUDITOR", "审计管理员"


# 三权分立: nobody holds two of these.
ADMIN_ROLES = frozenset({Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR})

# Roles that sign in with a second factor (TOTP) on the web and for API tokens (SECURITY.md).
SECOND_FACTOR_ROLES = frozenset({Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR, Role.LEADER, Role.SUPERVISOR})

# VIEW_FULL_PERSONAL_DATA: window staff and agents (on records they can see) and supervisors, never the
# administrators. The auditor holds only the read-audit permission: no workbench, so nothing to write.
ROLE_PERMS: dict[Role, frozenset[Perm]] = {
    Role.WINDOW: frozenset({Perm.USE_WORKBENCH, Perm.HANDLE_INQUIRIES, Perm.HANDLE_CASES,
                            Perm.VIEW_FULL_PERSONAL_DATA}),
    Role.AGENT: frozenset({Perm.USE_WORKBENCH, Perm.HANDLE_INQUIRIES, Perm.RELAY_CASES, Perm.VIEW_FULL_PERSONAL_DATA}),
    Role.LEADER: frozenset({Perm.USE_WORKBENCH, Perm.HANDLE_INQUIRIES, Perm.APPROVE}),
    Role.SUPERVISOR: frozenset({Perm.USE_WORKBENCH, Perm.SUPERVISE, Perm.VIEW_FULL_PERSONAL_DATA}),
    Role.SYSADMIN: frozenset({Perm.USE_WORKBENCH, Perm.MANAGE_ORG, Perm.MANAGE_CATALOG, Perm.MANAGE_CALENDAR,
                              Perm.MANAGE_ACCOUNTS}),
    Role.SECADMIN: frozenset({Perm.USE_WORKBENCH, Perm.GRANT_ROLES, Perm.UNLOCK_ACCOUNTS, Perm.RESET_CREDENTIALS}),
    Role.AUDITOR: frozenset({Perm.VIEW_AUDIT}),
}

# Django model permissions the system administrator needs for the admin pages.
SYSADMIN_MODEL_APPS = ("users", "org", "catalog", "workdays", "notifications", "sweep", "hall")


def group_name(role: Role) -> str:
    """Return the Django group name for a role."""
    return str(role.label)
