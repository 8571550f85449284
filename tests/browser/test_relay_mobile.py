"""The village agent on a phone (issue 13 item 7), in Chromium at 360×740 with touch: 登记代办 without sideways
scrolling, a draft that survives a dropped connection and is sent again with the same idempotency key (one relay,
however often it is re-sent), and a photo of a material taken with the camera input, stored without its EXIF."""
import io

import pytest
from PIL import Image

from bianmin.demo.seed import seed_demo
from bianmin.relay.models import RelayFile, RelayRequest
from conftest import NOW

from .helpers import login
from .test_csp import watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ID = "11010519491231002X"
DRAFT = "bianmin.relayDraft.agent1"
MAKE = b"TestPhone-XYZ"


@pytest.fixture
def server(live_server):
    seed_demo(NOW)
    return live_server.url


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 360, "height": 740}, is_mobile=True,
                                  has_touch=True, device_scale_factor=2)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 360


def camera_jpeg() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = MAKE.decode()
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 140, 90)).save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def test_the_agent_registers_on_a_phone_through_a_dropped_connection(server, phone):
    page = phone
    refused = watch(page)
    login(page, server, "agent1")
    page.goto(f"{server}/staff/relays/new/")
    assert no_sideways_scroll(page)
    page.select_option("select[name=item]", index=0)
    page.click("text=选择事项")
    form_url = page.url
    assert "?item=" in form_url and page.locator("[data-draft-note]").is_hidden()
    page.fill("input[name=applicant_name]", "王小梅")
    page.fill("input[name=applicant_id_number]", ID)
    page.fill("input[name=applicant_phone]", "13800138000")
    page.check("input[name=mandate][value=SCREEN]")
    assert no_sideways_scroll(page)
    key = page.input_value("input[name=idempotency_key]")
    assert len(key) == 36 and page.evaluate(f"JSON.parse(localStorage.getItem('{DRAFT}')).key") == key

    # The connection drops as the agent sends the form: nothing arrives, the draft stays in the phone.
    page.context.set_offline(True)
    page.click("form[data-relay-draft] button[type=submit]", no_wait_after=True)
    page.wait_for_timeout(500)
    with pytest.raises(Exception, match="ERR_INTERNET_DISCONNECTED"):
        page.reload()
    assert not RelayRequest.objects.exists()

    # Back online, the page opened again: the draft is restored with the same key, and sent.
    page.context.set_offline(False)
    page.goto(form_url)
    assert page.locator("[data-draft-note]").is_visible() and "已恢复未提交的草稿" in page.content()
    assert page.input_value("input[name=applicant_name]") == "王小梅"
    assert page.input_value("input[name=applicant_phone]") == "13800138000"
    assert page.is_checked("input[name=mandate][value=SCREEN]")
    assert page.input_value("input[name=idempotency_key]") == key
    sent = page.evaluate("Object.fromEntries(new FormData(document.querySelector('form[data-relay-draft]')))")
    page.click("form[data-relay-draft] button[type=submit]")
    page.wait_for_url(lambda url: "/staff/relays/DB" in url)
    relay = RelayRequest.objects.get()
    assert relay.applicant_name == "王小梅" and f"?sent={key}" in page.url
    assert page.evaluate(f"localStorage.getItem('{DRAFT}')") is None  # the page confirmed it: the draft is gone
    assert no_sideways_scroll(page)

    # The same form sent once more (a retry whose answer was lost): still one relay.
    again = page.request.post(f"{server}/staff/relays/new/", form=sent, max_redirects=0)
    assert again.status == 302 and again.headers["location"] == f"/staff/relays/{relay.number}/?sent={key}"
    assert RelayRequest.objects.count() == 1

    # A photo of a material from the camera input: listed, and stored without its EXIF.
    camera = "input[type=file][capture=environment]"
    page.select_option("#relay-files select[name=material_name]", index=1)
    page.set_input_files(camera, files=[{"name": "IMG_0001.jpg", "mimeType": "image/jpeg",
                                         "buffer": camera_jpeg()}])
    page.click("#relay-files button[type=submit]")
    page.wait_for_url("**#relay-files")
    assert page.locator("#relay-files li a", has_text="IMG_0001.jpg").count() == 1
    stored = RelayFile.objects.get()
    data = stored.file.open("rb").read()
    assert MAKE not in data and stored.material_name
    with Image.open(io.BytesIO(data)) as image:
        assert not image.getexif()
    for name, mime, body, message in (
            ("notes.txt", "text/plain", b"hello", "文件：只能上传 PDF、JPEG、PNG 或 OFD 文件"),
            ("big.jpg", "image/jpeg", b"\xff\xd8\xff" + b"0" * (10 * 1024 * 1024), "文件：单个文件不能超过 10 MB")):
        page.set_input_files(camera, files=[{"name": name, "mimeType": mime, "buffer": body}])
        page.click("#relay-files button[type=submit]")
        assert page.locator("#relay-files .errorlist li", has_text=message).count() == 1
    assert RelayFile.objects.count() == 1
    assert no_sideways_scroll(page)
    assert refused == []


def test_a_draft_is_per_user_expires_and_leaves_with_the_sign_out(server, phone):
    page = phone
    login(page, server, "agent1")
    page.goto(f"{server}/staff/relays/new/")
    page.select_option("select[name=item]", index=0)
    page.click("text=选择事项")
    form_url = page.url
    page.fill("input[name=applicant_name]", "王小梅")
    # Another item's page offers the draft instead of mixing it in.
    page.goto(f"{server}/staff/relays/new/")
    assert page.locator("[data-draft-elsewhere]").is_visible()
    page.click("[data-draft-elsewhere] a[data-draft-continue]")
    assert page.input_value("input[name=applicant_name]") == "王小梅"
    # Discarded: a fresh form with a new key.
    key = page.input_value("input[name=idempotency_key]")
    page.click("[data-draft-note] button[data-draft-discard]")
    page.wait_for_load_state()
    assert page.input_value("input[name=applicant_name]") == "" and page.input_value(
        "input[name=idempotency_key]") not in ("", key)
    assert page.evaluate(f"localStorage.getItem('{DRAFT}')") is None
    # A draft started more than 24 hours ago is not restored.
    page.fill("input[name=applicant_name]", "王小梅")
    page.evaluate(f"""(() => {{ const d = JSON.parse(localStorage.getItem('{DRAFT}'));
        d.startedAt -= 25 * 3600 * 1000; localStorage.setItem('{DRAFT}', JSON.stringify(d)); }})()""")
    page.goto(form_url)
    assert page.input_value("input[name=applicant_name]") == "" and page.locator("[data-draft-note]").is_hidden()
    # Another user's draft on a shared phone is not shown, and signing out removes every draft.
    page.fill("input[name=applicant_name]", "王小梅")
    page.evaluate("localStorage.setItem('bianmin.relayDraft.someone', '{}')")
    page.click("header button:has-text('退出')")
    page.wait_for_url("**/staff/login/**")
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('bianmin.relayDraft.'))") == []
