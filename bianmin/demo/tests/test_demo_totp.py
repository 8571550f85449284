"""Demo accounts that need a second factor come enrolled with the one demo TOTP secret (issue 11)."""
import subprocess
import sys

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from bianmin.accounts.services import issue_api_token
from bianmin.demo.seed import DEMO_PASSWORD, seed_demo
from bianmin.demo.totp import DEMO_TOTP_SECRET, current_code, demo_totp_key
from conftest import NOW

pytestmark = pytest.mark.django_db


def test_seed_enrols_the_second_factor_roles_with_the_demo_secret():
    seed_demo(NOW)
    enrolled = set(TOTPDevice.objects.filter(key=demo_totp_key(), confirmed=True)
                   .values_list("user__username", flat=True))
    assert {"leader1", "supervisor1", "sysadmin1", "secadmin1", "auditor1"} <= enrolled
    assert not enrolled & {"window1", "window2", "town_window1", "agent1"}
    seed_demo(NOW)  # again: nothing added
    assert TOTPDevice.objects.count() == len(enrolled)
    assert issue_api_token(username="leader1", password=DEMO_PASSWORD, otp=current_code(), now=NOW)


def test_the_demo_module_prints_the_current_code():
    out = subprocess.run([sys.executable, "-m", "bianmin.demo.totp"], capture_output=True, text=True,
                         check=True).stdout
    assert out[:6].isdigit() and DEMO_TOTP_SECRET in out
    assert len(DEMO_TOTP_SECRET) == 32
