"""What the browser tests share: signing a demo account in (with the demo second factor when it is asked)."""
from bianmin.demo.seed import DEMO_PASSWORD
from bianmin.demo.totp import current_code


def login(page, server: str, username: str) -> None:
    """Sign ``username`` in with the demo password, and the demo TOTP code where the account needs one."""
    page.goto(f"{server}/staff/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: url.endswith(("/staff/", "/staff/otp/")))
    if page.url.endswith("/staff/otp/"):
        page.fill("#id_code", current_code())
        page.keyboard.press("Enter")
        page.wait_for_url(f"{server}/staff/")
