"""Personal-data keys for development, tests and benchmarks: derived from SECRET_KEY (decision 0018).

Production never uses these: config/settings/prod.py requires BIANMIN_FIELD_KEYS and BIANMIN_BLIND_INDEX_KEY.
"""
import base64
import hashlib
import hmac


def derived_keys(secret_key: str) -> dict:
    """Return BIANMIN's FIELD_KEYS (one Fernet key) and BLIND_INDEX_KEY derived from ``secret_key``."""
    def derive(purpose: str) -> str:
        digest = hmac.new(secret_key.encode(), f"bianmin:{purpose}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode()

    return {"FIELD_KEYS": [derive("field-key")], "BLIND_INDEX_KEY": derive("blind-index-key")}
