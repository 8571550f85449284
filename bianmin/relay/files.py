"""Photos and scans of a relay's materials (issue 13 item 7): the agent takes them with the phone's camera at the
station, they are checked like a case upload, and they become the case's files when the deciding unit opens the
case (the same stored file, not a copy)."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from bianmin.accounts.policies import can
from bianmin.audit.models import AuditAction
from bianmin.audit.services import audited_atomic, record
from bianmin.cases.models import CaseFile
from bianmin.core.errors import Conflict, DomainError, Forbidden
from bianmin.core.uploads import checked_upload

from .models import RelayFile, RelayRequest
from .policies import RELAY_WORKERS, get_relay_for
from .policies_files import attach_refusal

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from bianmin.cases.models import Case
    from bianmin.users.types import User

# The limits of a case's uploads (``cases.services`` upload_file): the files become the case's when it opens.
MAX_FILES_PER_RELAY = 20
MAX_BYTES_PER_RELAY = 100 * 1024 * 1024


def attach_file(*, actor: User, number: str, upload: UploadedFile, material_name: str,
                now: dt.datetime) -> RelayFile:
    """Store a photo or scan of one of the relay's materials (PDF, JPEG, PNG, OFD; ≤10 MB; ≤20 files and 100 MB a
    relay), images without their metadata (EXIF: the phone's location and model).

    Raises Forbidden unless the actor is an agent or window clerk of the unit holding the materials; NotFound for a
    relay out of sight; Conflict once the deciding unit has opened the case; DomainError naming ``file`` (type,
    size or content refused, a damaged image, or the relay's 20 files or 100 MB reached) or ``material_name``
    (not one of the relay's materials)."""
    if not any(can(actor, perm) for perm in RELAY_WORKERS):
        raise Forbidden("只有代办员或窗口人员可以上传材料照片")
    upload = checked_upload(upload)  # EXIF (location, device) is stripped from images
    name = upload.name or ""  # never empty here: validate_upload refuses a name without an allowed extension
    size = upload.size or 0  # read by validate_upload, which refuses more than 10 MB
    material = (material_name or "").strip()
    with audited_atomic():
        relay = get_relay_for(actor, number, for_update=True)
        refusal = attach_refusal(actor, relay)
        if refusal is not None:
            raise Conflict(refusal) if relay.case_id is not None else Forbidden(refusal)
        if material and not relay.materials.filter(name=material).exists():
            raise DomainError.for_field("material_name", f"“{material[:64]}”不是该代办件收取的材料")
        files = list(relay.files.values_list("size", flat=True))
        if len(files) >= MAX_FILES_PER_RELAY:
            raise DomainError.for_field("file", "每个代办件最多上传20个文件")
        if sum(files) + size > MAX_BYTES_PER_RELAY:
            raise DomainError.for_field("file", "每个代办件的文件合计不能超过100 MB")
        stored = RelayFile(relay=relay, material_name=material, original_name=name[:255], size=size,
                           uploaded_at=now, uploaded_by=actor)
        stored.file.save(name, upload, save=False)
        stored.save()
        record(action=AuditAction.CASE_CHANGE, summary=f"代办件{relay.number}上传材料照片{stored.original_name}",
               actor=actor, obj=relay, now=now, data={"file": stored.pk, "material": material, "size": size})
    return stored


def hand_files_to_case(relay: RelayRequest, case: Case, *, actor: User, now: dt.datetime) -> list[CaseFile]:
    """Give the case opened from ``relay`` a file for each of the relay's photos: the same stored file (no copy),
    linked to the case's material line of the same name when there is one. Call inside the transaction that opens
    the case; writes its audit row there. Refuses nothing."""
    photos = list(relay.files.all())
    if not photos:
        return []
    lines = {line.name: line for line in case.materials.all()}
    made = CaseFile.objects.bulk_create([
        CaseFile(case=case, county_id=case.county_id,
                 case_material=lines.get(photo.material_name) if photo.material_name else None, file=photo.file.name,
                 original_name=photo.original_name, size=photo.size, uploaded_at=photo.uploaded_at,
                 uploaded_by_id=photo.uploaded_by_id)
        for photo in photos])
    record(action=AuditAction.CASE_CHANGE,
           summary=f"办件{case.number}转入代办件{relay.number}的材料照片{len(made)}个", actor=actor, obj=case,
           now=now, data={"relay": relay.number, "files": [photo.original_name for photo in photos]})
    return made
