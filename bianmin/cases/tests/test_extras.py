"""Fees and uploads on a case (``cases.services.extras``): exact amounts, the handler's side only, no uploads on
closed cases, decompression bombs refused."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bianmin.cases import services as svc
from bianmin.cases.workflow import Action
from bianmin.core.errors import Conflict, DomainError, Forbidden
from bianmin.testing.cases import receive
from bianmin.testing.factories import MONDAY

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("amount", ["10.004", "9.995", "10.", "-10", "NaN", "Infinity", "10元"])
def test_fee_amounts_are_never_rounded_to_the_standard(cast, item, amount):
    case = svc.accept_case(actor=cast["window_a"], number=receive(cast).number, now=MONDAY)
    fee = item.fees.get()
    if amount == "10.":  # a trailing point is still exactly 10 yuan
        svc.record_fee(actor=cast["window_a"], number=case.number, fee_id=fee.pk, amount=amount,
                       receipt_number="R1", now=MONDAY)
        return
    with pytest.raises(DomainError) as exc:
        svc.record_fee(actor=cast["window_a"], number=case.number, fee_id=fee.pk, amount=amount,
                       receipt_number="R1", now=MONDAY)
    assert "amount" in exc.value.fields
    assert not case.payments.exists()

def test_only_the_handler_side_records_fees_and_uploads(cast, item):
    case = svc.accept_case(actor=cast["window_a"], number=receive(cast).number, now=MONDAY)
    fee = item.fees.get()
    with pytest.raises(Forbidden):
        svc.record_fee(actor=cast["window_b"], number=case.number, fee_id=fee.pk, amount="10",
                       receipt_number="R1", now=MONDAY)
    upload = SimpleUploadedFile("a.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    with pytest.raises(Forbidden):
        svc.upload_file(actor=cast["window_b"], number=case.number, upload=upload, now=MONDAY)
    svc.record_fee(actor=cast["window_a"], number=case.number, fee_id=fee.pk, amount=10, receipt_number="R1",
                   now=MONDAY)

def test_uploads_are_refused_on_closed_cases(cast, item):
    case = receive(cast)
    svc.refuse_case(actor=cast["window_a"], number=case.number, action=Action.REJECT, reason="不符合条件", now=MONDAY)
    upload = SimpleUploadedFile("a.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    with pytest.raises(Conflict):
        svc.upload_file(actor=cast["window_a"], number=case.number, upload=upload, now=MONDAY)

def test_a_decompression_bomb_is_refused_naming_the_file(cast, item):
    from PIL import Image

    case = svc.accept_case(actor=cast["window_a"], number=receive(cast).number, now=MONDAY)
    buffer = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(buffer, format="PNG")  # ~50 KB on disk, 400 megapixels decoded
    upload = SimpleUploadedFile("scan.png", buffer.getvalue(), content_type="image/png")
    with pytest.raises(DomainError) as exc:
        svc.upload_file(actor=cast["window_a"], number=case.number, upload=upload, now=MONDAY)
    assert "file" in exc.value.fields and "像素" in exc.value.message


def test_a_receipt_number_is_recorded_once_in_a_county_and_may_recur_in_another(cast, item):
    """Decision 0044: each county's finance bureau issues its own receipts; within one county the same 票据号 twice is
    a receipt recorded twice, refused naming the field with nothing written."""
    from django.db import IntegrityError, transaction

    from bianmin.cases.models import Case, CaseEvent, FeePayment
    from bianmin.org.models import Region, RegionLevel
    from bianmin.org.services import save_region

    first = svc.accept_case(actor=cast["window_a"], number=receive(cast).number, now=MONDAY)
    second = svc.accept_case(actor=cast["window_a"], number=receive(cast).number, now=MONDAY)
    fee = item.fees.get()
    svc.record_fee(actor=cast["window_a"], number=first.number, fee_id=fee.pk, amount="10", receipt_number="PJ 001",
                   now=MONDAY)
    events = CaseEvent.objects.filter(case=second).count()
    with pytest.raises(DomainError) as exc:
        svc.record_fee(actor=cast["window_a"], number=second.number, fee_id=fee.pk, amount="10",
                       receipt_number=" PJ 001 ", now=MONDAY)  # as stored: stripped
    assert "receipt_number" in exc.value.fields and "本县" in exc.value.message
    assert not second.payments.exists() and CaseEvent.objects.filter(case=second).count() == events
    # The same number in another county's books is no conflict; the database's constraint is the county's.
    other = save_region(Region(code="102", name="邻县", level=RegionLevel.COUNTY))
    FeePayment.objects.create(case=second, county_id=other.pk, fee=fee, amount=10, receipt_number="PJ 001",
                              paid_at=MONDAY, recorded_by=cast["window_a"])
    with pytest.raises(IntegrityError), transaction.atomic():
        FeePayment.objects.create(case=Case.objects.get(pk=second.pk), county_id=other.pk, fee=fee, amount=10,
                                  receipt_number="PJ 001", paid_at=MONDAY, recorded_by=cast["window_a"])
