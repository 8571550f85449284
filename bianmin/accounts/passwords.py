"""Password validators beyond Django's: character classes and an upper bound (SECURITY.md)."""
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    """Require at least three of: upper case, lower case, digits, other characters."""

    def validate(self, password: str, user=None) -> None:
        classes = sum(bool(re.search(p, password)) for p in (r"[A-Z]", r"[a-z]", r"\d", r"[^A-Za-z\d]"))
        if classes < 3:
            raise ValidationError(_("密码须包含大写字母、小写字母、数字、符号中的至少三类"), code="password_classes")

    def get_help_text(self) -> str:
        return _("密码须包含大写字母、小写字母、数字、符号中的至少三类。")


class MaximumLengthValidator:
    """Refuse passwords longer than 128 characters."""

    def validate(self, password: str, user=None) -> None:
        if len(password) > 128:
            raise ValidationError(_("密码不能超过128个字符"), code="password_too_long")

    def get_help_text(self) -> str:
        return _("密码不超过128个字符。")
