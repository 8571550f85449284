"""材料照片 on the relay page (issue 13 item 7): the phone's camera input for the unit holding the materials, the
list with downloads after the scope check, and a refused file shown with the error naming the field."""
import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from bianmin.accounts.roles import Role
from bianmin.org.models import Unit
from bianmin.org.services import save_unit
from bianmin.relay.models import RelayFile
from bianmin.relay.tests.helpers import register
from bianmin.relay.tests.test_files import MAKE, photo
from conftest import make_user

from .test_views import login

pytestmark = pytest.mark.django_db
FROZEN = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)  # Monday 09:00 in Beijing
CAMERA = '<input type="file" name="file" accept="image/*,application/pdf" capture="environment" required>'


@time_machine.travel(FROZEN, tick=False)
def test_the_agent_takes_a_photo_on_the_relay_page(client, cast, item):
    relay = register(cast)
    url = f"/staff/relays/{relay.number}/"
    login(client, cast["agent"])
    page = client.get(url).content.decode()
    assert CAMERA in page and "尚未上传材料照片" in page and '<option value="申请书">申请书</option>' in page
    r = client.post(f"{url}files/", {"action": "attach_file", "material_name": "申请书", "file": photo()})
    assert r.status_code == 302 and r["Location"] == f"{url}#relay-files"
    stored = RelayFile.objects.get()
    page = client.get(url).content.decode()
    assert f'href="{url}files/{stored.pk}/">IMG_0001.jpg</a>' in page and "已上传材料照片" in page
    download = client.get(f"{url}files/{stored.pk}/")
    body = b"".join(download.streaming_content)
    assert download.status_code == 200 and download["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in download["Content-Disposition"] and MAKE.encode() not in body
    assert client.get(f"{url}files/{stored.pk + 1}/").status_code == 404


@time_machine.travel(FROZEN, tick=False)
def test_a_refused_file_is_named_beside_the_camera_input(client, cast, item):
    relay = register(cast)
    url = f"/staff/relays/{relay.number}/"
    login(client, cast["agent"])
    r = client.post(f"{url}files/", {"action": "attach_file", "material_name": "申请书",
                                     "file": SimpleUploadedFile("scan.gif", b"GIF89a", content_type="image/gif")})
    page = r.content.decode()
    assert r.status_code == 400 and "<li>文件：只能上传 PDF、JPEG、PNG 或 OFD 文件</li>" in page
    assert "材料照片未上传" in page and '<option value="申请书" selected>' in page  # kept as chosen
    r = client.post(f"{url}files/", {"action": "attach_file", "material_name": "申请书"})
    assert r.status_code == 400 and "文件：请选择要上传的文件或拍照" in r.content.decode()
    assert not RelayFile.objects.exists()


@time_machine.travel(FROZEN, tick=False)
def test_only_the_holder_gets_the_form_and_a_relay_out_of_sight_is_a_404(client, cast, org, item,
                                                                          django_user_model):
    relay = register(cast)
    url = f"/staff/relays/{relay.number}/"
    login(client, cast["agent"])
    client.post(f"{url}files/", {"action": "attach_file", "file": photo()})
    stored = RelayFile.objects.get()
    client.logout()
    login(client, cast["town_window"])  # on the route, but the station holds the materials
    page = client.get(url).content.decode()
    assert "IMG_0001.jpg" in page and 'capture="environment"' not in page
    assert client.get(f"{url}files/{stored.pk}/").status_code == 200
    r = client.post(f"{url}files/", {"action": "attach_file", "file": photo()})
    assert r.status_code == 403 and RelayFile.objects.count() == 1
    other = save_unit(Unit(code="V2", name="别村便民服务站", kind=org["station"].kind, region=org["station"].region,
                           parent=org["town_center"]))
    client.logout()
    login(client, make_user(django_user_model, "other_agent", Role.AGENT, other))
    assert client.get(f"{url}files/{stored.pk}/").status_code == 404
    assert client.post(f"{url}files/", {"action": "attach_file", "file": photo()}).status_code == 404
