"""The append-only, hash-chained audit trail (SECURITY.md "Audit trail")."""
from django.conf import settings
from django.db import models


class AuditAction(models.TextChoices):
    LOGIN = "LOGIN", "登录成功"
    LOGIN_FAILED = "LOGIN_FAILED", "登录失败"
    LOCKOUT = "LOCKOUT", "账号锁定"
    UNLOCK = "UNLOCK", "解除锁定"
    LOGOUT = "LOGOUT", "退出登录"
    PASSWORD_CHANGE = "PASSWORD_CHANGE", "修改密码"
    TOKEN_ISSUED = "TOKEN_ISSUED", "签发接口令牌"
    ROLE_GRANT = "ROLE_GRANT", "授予角色"
    ROLE_REVOKE = "ROLE_REVOKE", "撤销角色"
    CONFIG_CREATE = "CONFIG_CREATE", "新增配置"
    CONFIG_UPDATE = "CONFIG_UPDATE", "修改配置"
    CONFIG_DELETE = "CONFIG_DELETE", "删除配置"
    CATALOG_VERSION = "CATALOG_VERSION", "事项新版本"
    CATALOG_PUBLISH = "CATALOG_PUBLISH", "事项发布"
    CALENDAR_CHANGE = "CALENDAR_CHANGE", "工作日历变更"
    PERSONAL_DATA_VIEW = "PERSONAL_DATA_VIEW", "查看完整个人信息"
    CASE_TRANSITION = "CASE_TRANSITION", "办件状态变更"
    CASE_CHANGE = "CASE_CHANGE", "办件信息变更"
    INQUIRY_CHANGE = "INQUIRY_CHANGE", "首问登记变更"
    NOTIFICATION = "NOTIFICATION", "消息通知"
    SWEEP = "SWEEP", "时限巡检"
    ACCOUNTABILITY = "ACCOUNTABILITY", "过错责任追究"
    MEETING = "MEETING", "联席会议"
    # Account security (issue 11): resets by the security administrator, 双人复核, second-factor enrolment.
    PASSWORD_RESET = "PASSWORD_RESET", "重置密码"
    OTP_RESET = "OTP_RESET", "重置第二因素"
    RESET_REQUESTED = "RESET_REQUESTED", "申请重置（待复核）"
    RESET_APPROVED = "RESET_APPROVED", "复核通过重置"
    RESET_REJECTED = "RESET_REJECTED", "驳回重置申请"
    OTP_ENROLLED = "OTP_ENROLLED", "绑定第二因素"


class AuditEntry(models.Model):
    """One audited event. Never updated or deleted; ``hash`` chains it to the previous row."""

    seq = models.BigIntegerField("序号", unique=True)
    at = models.DateTimeField("时间", db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    actor_username = models.CharField("操作账号", max_length=64, blank=True)
    action = models.CharField("事件", max_length=32, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField("对象类型", max_length=64, blank=True)
    object_id = models.CharField("对象标识", max_length=64, blank=True)
    summary = models.CharField("摘要", max_length=500)
    data = models.JSONField("详情", default=dict, blank=True)
    ip = models.GenericIPAddressField("来源地址", null=True, blank=True)
    prev_hash = models.CharField("上一条哈希", max_length=64)
    hash = models.CharField("哈希", max_length=64)

    class Meta:
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        ordering = ["-seq"]
        indexes = [models.Index(fields=["actor_username", "at"]), models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.get_action_display()} {self.summary}"

    def save(self, *args, **kwargs):
        # Append-only: an existing row is never written again (PostgreSQL also has a trigger).
        if not self._state.adding:
            raise PermissionError("审计记录不可修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("审计记录不可删除")


class AuditHead(models.Model):
    """The single row whose lock serialises the chain: last sequence number and hash."""

    seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = "审计链头"
