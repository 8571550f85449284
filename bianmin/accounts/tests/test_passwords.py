"""Guessable passwords that pass the class rules are refused (issue 11 item 9), with a Chinese message."""
import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from bianmin.accounts.services import change_password
from bianmin.core.errors import DomainError
from conftest import NOW, PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("password", [
    "Password123!",     # a common password, decorated
    "Admin@123456",     # a common word and a digit run
    "1qaz@WSX3edc",     # a keyboard walk (shifted symbols read as their keys)
    "Window_a2026!",    # the username with digits
])
def test_guessable_passwords_are_refused(cast, password):
    with pytest.raises(ValidationError) as exc:
        password_validation.validate_password(password, cast["window_a"])
    assert "password_guessable" in {e.code for e in exc.value.error_list}
    with pytest.raises(DomainError) as exc:
        change_password(user=cast["window_a"], old_password=PASSWORD, new_password=password, now=NOW)
    assert any("容易被猜到" in m for m in exc.value.fields["new_password"])


@pytest.mark.parametrize("password", ["Qingshi#Xiao-9261", "Tr0ub4dor&3xyz", "Lz#83kQ!m2Vp"])
def test_strong_passwords_pass_the_guessability_check(cast, settings, password):
    from bianmin.accounts.passwords import GuessabilityValidator

    assert "bianmin.accounts.passwords.GuessabilityValidator" in {v["NAME"] for v in settings.AUTH_PASSWORD_VALIDATORS}
    GuessabilityValidator().validate(password, cast["window_a"])
    password_validation.validate_password(password, cast["window_a"])


def test_the_full_name_counts_as_a_known_word(cast):
    user = cast["window_a"]
    user.full_name = "Zhangweiming"
    with pytest.raises(ValidationError) as exc:
        password_validation.validate_password("Zhangweiming@2026", user)
    assert "password_guessable" in {e.code for e in exc.value.error_list}
