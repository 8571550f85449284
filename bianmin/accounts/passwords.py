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


# Shifted symbols back to the key they are typed with (US layout), so that "1qaz@WSX3edc" is seen as the keyboard
# walk "1qaz2wsx3edc" and "Admin@123456" as "admin2123456".
_UNSHIFT = str.maketrans('!@#$%^&*()_+{}|:"<>?~', "1234567890-=[]\\;',./`")
_SITE_WORDS = ("bianmin", "便民", "zhengwu", "政务", "yunxi", "admin")


class GuessabilityValidator:
    """Refuse passwords that pass the class rules but are easy to guess: common passwords with decorations
    (``Password123!``, ``Admin@123456``), keyboard walks (``1qaz@WSX3edc``), the username or name with digits.

    zxcvbn estimates the guesses needed, with the user's username and name as known words; the password must
    score at least ``min_score`` (0–4) both as typed and with shifted symbols read as their keys and letters in
    lower case (zxcvbn credits ``@`` and capitals more than guessing tools do).
    """

    def __init__(self, min_score: int = 3, max_checked_length: int = 64):
        self.min_score = min_score
        self.max_checked_length = max_checked_length  # zxcvbn's matching grows quickly with length

    def validate(self, password: str, user=None) -> None:
        from zxcvbn import zxcvbn

        inputs = [*_SITE_WORDS]
        for attribute in ("username", "full_name", "email"):
            value = str(getattr(user, attribute, "") or "")
            if value:
                inputs += [value, *value.replace("@", " ").replace(".", " ").replace("_", " ").split()]
        text = password[: self.max_checked_length]
        plain = text.translate(_UNSHIFT).lower()
        score = min(zxcvbn(candidate, user_inputs=inputs)["score"] for candidate in dict.fromkeys((text, plain)))
        if score < self.min_score:
            raise ValidationError(
                _("密码太容易被猜到（如常见密码加数字符号、键盘连续按键、用户名或姓名加数字），"
                  "请换用几个不相关的词语拼音加数字和符号"), code="password_guessable")

    def get_help_text(self) -> str:
        return _("不能是常见密码、键盘连续按键或用户名、姓名加数字之类容易被猜到的组合。")
