"""上传材料照片 on a relay request (issue 13 item 7), declared once (decision 0021) for the relay page and for
``POST /api/v1/relays/{number}/files``. Its own catalogue: the relay page draws this form with the phone's camera
input (``backoffice/_relay_files.html``) instead of the generic file field."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from pydantic import Field

from bianmin.core.actions import ActionInput, ActionSpec, Catalogue
from bianmin.core.errors import DomainError

from .files import attach_file
from .models import RelayFile, RelayRequest
from .policies_files import may_attach

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from bianmin.users.types import AnyUser, User


class RelayAttachIn(ActionInput):
    material_name: str = Field("", title="对应材料", max_length=128)


def _attach(*, actor: User, key: str, data: RelayAttachIn, now: dt.datetime,
            upload: UploadedFile | None = None) -> RelayFile:
    if upload is None:
        raise DomainError.for_field("file", "请选择要上传的文件或拍照")
    return attach_file(actor=actor, number=key, upload=upload, material_name=data.material_name, now=now)


def _may_attach(actor: AnyUser, relay: RelayRequest) -> bool:
    return may_attach(actor, relay)


def _materials(relay: RelayRequest) -> list[tuple[str, str]]:
    return [("", "—"), *((m.name, m.name) for m in relay.materials.all())]


RELAY_FILE_ACTIONS: Catalogue[RelayRequest] = Catalogue(subject="relay", key="number")
RELAY_FILE_ACTIONS.add(ActionSpec(
    "attach_file", "上传材料照片（拍照或选择文件：JPEG、PNG、PDF、OFD，≤10MB）", RelayAttachIn, _attach, _may_attach,
    "files", button="上传", secondary=True, upload="file", choices={"material_name": _materials}, done="已上传材料照片",
    result="result",
    description="multipart 表单：file 为文件（必填，缺少时 400 指明 file），material_name 为对应材料（可不填）。"
                "图片去除 EXIF（位置、设备）后保存，决定机关收件时转入办件。"
                "拒绝：不是当前持件单位的代办员或窗口人员（403）；决定机关已收件（409，请在办件中上传）；"
                "类型、大小或数量超限（每件最多20个、合计100 MB）、材料不是该代办件的"
                "（400，fields 指明 file 或 material_name）。"))
