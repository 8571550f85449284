"""``manage.py sweep`` reports every step of the sweep by its Chinese name (it crashed on a step without one)."""
from io import StringIO

import pytest
from django.core.management import call_command

from bianmin.sweep.management.commands.sweep import LABELS
from bianmin.sweep.services import STEPS


def test_every_step_has_a_label():
    assert {name for name, _ in STEPS} <= set(LABELS)


@pytest.mark.django_db
def test_the_command_runs_and_names_each_step(monkeypatch):
    counts = {name: 0 for name, _ in STEPS}
    monkeypatch.setattr("bianmin.sweep.management.commands.sweep.run_sweep", lambda now: counts)
    out = StringIO()
    call_command("sweep", stdout=out)
    text = out.getvalue()
    assert "时限巡检完成" in text and all(LABELS[name] in text for name in counts)
