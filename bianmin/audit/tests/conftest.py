import pytest


@pytest.fixture(autouse=True)
def anchor_file(settings, tmp_path):
    """Each test anchors to its own file (never var/ of the working tree)."""
    path = tmp_path / "audit-anchors.jsonl"
    settings.BIANMIN = {**settings.BIANMIN, "AUDIT_ANCHOR_FILE": str(path), "AUDIT_ANCHOR_KEY": "test-anchor-key"}
    return path
