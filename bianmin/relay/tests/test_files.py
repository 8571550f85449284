"""材料照片 of a relay (issue 13 item 7): checked like a case upload (type, size, content, EXIF stripped, 20 files and
100 MB), taken only by the unit holding the materials before the case opens, and handed to the case as its files
(the same stored file) when the deciding unit opens it."""
from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from bianmin.audit.models import AuditEntry
from bianmin.cases.models import CaseFile
from bianmin.cases.services import receive_case
from bianmin.core.errors import Conflict, DomainError, Forbidden, NotFound
from bianmin.relay import services as svc
from bianmin.relay.files import MAX_BYTES_PER_RELAY, attach_file, hand_files_to_case
from bianmin.relay.models import RelayFile
from bianmin.relay.policies_files import attach_refusal
from bianmin.testing.factories import MON, applicant, at

from .helpers import SENT, register

pytestmark = pytest.mark.django_db
MAKE = "TestPhone-XYZ"  # the camera's maker, written into the photo's EXIF


def photo(name: str = "IMG_0001.jpg") -> SimpleUploadedFile:
    """Return a small JPEG carrying EXIF (the camera's maker and a GPS block), as a phone's camera makes it."""
    exif = Image.Exif()
    exif[0x010F] = MAKE
    exif[0x8825] = {1: "N", 2: (30.0, 15.0, 0.0)}
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 120, 40)).save(buffer, "JPEG", exif=exif.tobytes())
    assert MAKE.encode() in buffer.getvalue()
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def attach(cast, relay, upload=None, material="申请书", actor=None, **kw):
    return attach_file(actor=actor or cast["agent"], number=relay.number, upload=upload or photo(),
                       material_name=material, now=at(MON, 10), **kw)


def test_the_agent_attaches_a_photo_without_its_exif_and_an_audit_row(cast, item):
    relay = register(cast)
    stored = attach(cast, relay)
    assert (stored.relay, stored.material_name, stored.original_name) == (relay, "申请书", "IMG_0001.jpg")
    assert stored.uploaded_by == cast["agent"] and stored.uploaded_at == at(MON, 10)
    data = stored.file.open("rb").read()
    assert stored.size == len(data) and MAKE.encode() not in data
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (32, 24) and not image.getexif()
    assert stored.file.name.startswith(f"relays/{relay.pk}/") and "IMG_0001" not in stored.file.name
    assert AuditEntry.objects.filter(object_type="relay.RelayRequest", object_id=str(relay.pk),
                                     summary=f"代办件{relay.number}上传材料照片IMG_0001.jpg").exists()
    assert attach(cast, relay, material="").material_name == ""  # not tied to a material line


@pytest.mark.parametrize(("upload", "message"), [
    (SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain"), "只能上传 PDF、JPEG、PNG 或 OFD 文件"),
    (SimpleUploadedFile("fake.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg"), "文件内容与扩展名不符"),
    (SimpleUploadedFile("big.jpg", b"\xff\xd8\xff" + b"0" * (10 * 1024 * 1024), content_type="image/jpeg"),
     "单个文件不能超过 10 MB"),
])
def test_a_file_the_case_would_refuse_is_refused_naming_file(cast, item, upload, message):
    relay = register(cast)
    with pytest.raises(DomainError) as err:
        attach(cast, relay, upload=upload)
    assert list(err.value.fields) == ["file"] and message in err.value.fields["file"][0]
    assert not RelayFile.objects.exists()


def test_a_material_the_relay_does_not_have_is_refused_naming_material_name(cast, item):
    relay = register(cast)
    with pytest.raises(DomainError) as err:
        attach(cast, relay, material="户口簿")
    assert list(err.value.fields) == ["material_name"] and not RelayFile.objects.exists()


def test_twenty_files_and_100_mb_a_relay(cast, item):
    relay = register(cast)
    first = attach(cast, relay)
    RelayFile.objects.filter(pk=first.pk).update(size=MAX_BYTES_PER_RELAY - 10)
    with pytest.raises(DomainError, match="100 MB") as err:
        attach(cast, relay)
    assert list(err.value.fields) == ["file"]
    RelayFile.objects.filter(pk=first.pk).update(size=10)
    for _ in range(19):
        attach(cast, relay)
    with pytest.raises(DomainError, match="最多上传20个文件"):
        attach(cast, relay)
    assert relay.files.count() == 20


def test_only_the_unit_holding_the_materials_attaches_until_the_case_opens(cast, org, town_item):
    relay = register(cast, code="ZJ-01")
    for outsider in (cast["town_window"], cast["window_a"]):  # on the route, or above it: not the holder
        assert attach_refusal(outsider, relay) is not None
        with pytest.raises(Forbidden):
            attach(cast, relay, actor=outsider)
    with pytest.raises(Forbidden):
        attach(cast, relay, actor=cast["nobody"])
    attach(cast, relay)
    svc.hand_over(actor=cast["agent"], number=relay.number, now=at(MON, 11))
    relay.refresh_from_db()
    assert attach_refusal(cast["agent"], relay) is None  # the station still holds them until the town signs
    svc.sign_for(actor=cast["town_window"], number=relay.number, materials=SENT, now=at(MON, 12))
    relay.refresh_from_db()
    assert relay.case is not None  # the town decides: its signature opened the case
    for actor in (cast["town_window"], cast["agent"]):
        with pytest.raises(Conflict, match="请在办件中上传"):
            attach(cast, relay, actor=actor)
    assert relay.files.count() == 1


def test_a_relay_out_of_sight_is_not_found(cast, item, django_user_model, org):
    from bianmin.accounts.roles import Role
    from bianmin.org.models import Unit
    from bianmin.org.services import save_unit
    from conftest import make_user

    relay = register(cast)
    other = save_unit(Unit(code="V2", name="别村便民服务站", kind=org["station"].kind, region=org["station"].region,
                           parent=org["town_center"]))
    stranger = make_user(django_user_model, "other_agent", Role.AGENT, other)
    with pytest.raises(NotFound):
        attach(cast, relay, actor=stranger)


def test_the_photos_become_the_case_files_without_a_copy(cast, item):
    relay = register(cast)
    with_line, loose = attach(cast, relay), attach(cast, relay, upload=photo("IMG_0002.jpg"), material="")
    case = receive_case(actor=cast["window_a"], item_code="SP-01", applicant=applicant(),
                        materials=[{"material": "申请书", "received_as": "PAPER", "copies": 1}], now=at(MON, 12))
    made = hand_files_to_case(relay, case, actor=cast["window_a"], now=at(MON, 12))
    files = {f.original_name: f for f in CaseFile.objects.filter(case=case)}
    assert len(made) == 2 and set(files) == {"IMG_0001.jpg", "IMG_0002.jpg"}
    assert files["IMG_0001.jpg"].file.name == with_line.file.name  # the same stored file
    assert files["IMG_0001.jpg"].case_material == case.materials.get(name="申请书")
    assert files["IMG_0002.jpg"].case_material is None and files["IMG_0002.jpg"].file.name == loose.file.name
    assert files["IMG_0001.jpg"].uploaded_by == cast["agent"] and files["IMG_0001.jpg"].size == with_line.size
    assert files["IMG_0001.jpg"].file.open("rb").read() == with_line.file.open("rb").read()
    assert AuditEntry.objects.filter(object_type="cases.Case", object_id=str(case.pk),
                                     summary__contains="材料照片2个").exists()
    assert hand_files_to_case(register(cast), case, actor=cast["window_a"], now=at(MON, 12)) == []


def test_opening_the_case_at_the_deciding_unit_hands_the_photos_over(cast, org, town_item):
    """``relay.services._open_case`` calls ``hand_files_to_case`` (the lead wires it in at merge)."""
    relay = register(cast, code="ZJ-01")
    stored = attach(cast, relay)
    svc.hand_over(actor=cast["agent"], number=relay.number, now=at(MON, 11))
    svc.sign_for(actor=cast["town_window"], number=relay.number, materials=SENT, now=at(MON, 12))
    relay.refresh_from_db()
    assert [f.file.name for f in relay.case.files.all()] == [stored.file.name]
