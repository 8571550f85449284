import datetime as dt

import pytest

from bianmin.accountability.models import Violation
from bianmin.accounts.roles import Role
from bianmin.audit.models import AuditEntry
from bianmin.hospital import services
from bianmin.hospital.models import CoordinationRequest, PatientRecord, RequestCounter, RequestStep
from bianmin.notifications.models import DigestItem, Message
from bianmin.testing.factories import MON, at
from bianmin.testing.hospital import DIAGNOSIS, SENT, WARD, hospital_cast, transfer_case, transfer_item
from conftest import make_user


@pytest.fixture
def hospital(org, cast, calendar, django_user_model):
    """The hospital desk with its 科室 and staff, the 转院协调 item, and one accepted case (``h["case"]``)."""
    h = hospital_cast(org, django_user_model, make_user)
    h["item"] = transfer_item(cast["sysadmin"], h)
    h["case"] = transfer_case(h)
    return h


@pytest.fixture
def other_desk(hospital, django_user_model):
    """A window clerk of the other hospital's desk (YY2)."""
    return make_user(django_user_model, "other_desk", Role.WINDOW, hospital["other"])


@pytest.fixture
def patient(hospital):
    """The patient of ``h["case"]`` recorded by desk_a, with the diagnosis and ward of ``testing.hospital``."""
    return services.record_patient(actor=hospital["desk_a"], number=hospital["case"].number, patient_name="李大",
                                   relation="PARENT", diagnosis=DIAGNOSIS, ward=WARD, now=at(MON, 9) +
                                   dt.timedelta(minutes=30))


@pytest.fixture
def send(hospital):
    """Send a request from the desk: ``send(to="k1", hours=4, now=SENT, actor="desk_a", case=None)``."""

    def _send(*, to: str = "k1", hours: int | None = 4, now: dt.datetime = SENT, actor: str = "desk_a", case=None,
              topic: str = "TRANSFER", question: str = "请评估患者能否转上级医院") -> CoordinationRequest:
        return services.send_request(actor=hospital[actor], number=(case or hospital["case"]).number,
                                     department_id=hospital[to].pk, topic=topic, question=question,
                                     reply_hours=hours, now=now)

    return _send


@pytest.fixture
def written():
    """Return a snapshot function: the number of rows of every table a hospital service may write."""

    def _counts() -> dict[str, int]:
        return {m.__name__: m.objects.count() for m in (
            PatientRecord, CoordinationRequest, RequestStep, RequestCounter, DigestItem, Message, AuditEntry,
            Violation)}

    return _counts
