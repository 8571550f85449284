"""The custom user model: identity and credentials only (roles live in accounts, profiles in org)."""
from typing import ClassVar

from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin, UserManager
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db import models
from django.utils.crypto import salted_hmac


class BianminUserManager(UserManager):
    def _create_user(self, username, email, password, **extra_fields):
        user = self.model(username=self.model.normalize_username(username),
                          email=self.normalize_email(email or ""), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(username, email, password, **extra_fields)

    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(username, email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in to the staff side (citizens never do)."""

    username = models.CharField("用户名", max_length=64, unique=True, validators=[UnicodeUsernameValidator()])
    full_name = models.CharField("姓名", max_length=64, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    is_staff = models.BooleanField("可进入管理后台", default=False)
    is_active = models.BooleanField("启用", default=True)
    date_joined = models.DateTimeField("创建时间", auto_now_add=True)
    must_change_password = models.BooleanField("下次登录须修改密码", default=True)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    temporary_password_until = models.DateTimeField(
        "临时密码有效期至", null=True, blank=True,
        help_text="安全管理员发放的一次性临时密码在此时间之后不能再登录；本人修改密码后清空")
    auth_epoch = models.PositiveIntegerField(
        "凭据版本", default=0, editable=False,
        help_text="重置、角色变更、锁定、停用时加一：该用户此前的所有会话随即失效")

    objects = BianminUserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return f"{self.full_name}（{self.username}）" if self.full_name else self.username

    def _get_session_auth_hash(self, secret=None):
        # Django's session hash covers only the password hash; adding ``auth_epoch`` lets a role change, a
        # lockout, a second-factor reset or a deactivation end every session of the user at its next request.
        return salted_hmac("bianmin.users.User.get_session_auth_hash", f"{self.password}:{self.auth_epoch}",
                           secret=secret, algorithm="sha256").hexdigest()

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return self.full_name or self.username
