"""The custom user model: identity and credentials only (roles live in accounts, profiles in org)."""
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin, UserManager
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db import models


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

    objects = BianminUserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return f"{self.full_name}（{self.username}）" if self.full_name else self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return self.full_name or self.username
