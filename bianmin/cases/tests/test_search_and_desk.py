"""Issue 12 items 5 and 7: the staff search by any part of a name and by the last four phone digits; the
工作台's case lists and their counts."""
import datetime as dt
import importlib

import pytest
from django.apps import apps as global_apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bianmin.audit.models import AuditEntry
from bianmin.cases import services as svc
from bianmin.cases.models import Case
from bianmin.cases.policies import visible_cases
from bianmin.cases.selectors import case_desk_counts, desk_cases, search_cases, workbench_rows
from bianmin.cases.warnings import Warning
from bianmin.core.masking import phone_last4
from bianmin.org.models import Absence
from bianmin.testing.cases import receive
from bianmin.testing.factories import MON, at

pytestmark = pytest.mark.django_db
HOTEL = "云溪县悦来宾馆有限公司"


def numbers(qs) -> set[str]:
    return {c.number for c in qs}


@pytest.fixture
def applicants(cast, item):
    """Four applications at the county center: a company, a person, a landline, a shop whose name has digits."""
    hotel = receive(cast, kind="ORGANISATION", name=HOTEL, id_type="", id_number="", credit_code="91350100M000100Y43",
                    legal_rep="李四", phone="13912345678")
    person = receive(cast, name="王悦来", phone="13800005678")
    landline = receive(cast, name="赵六", phone="0799-6667788")
    digits = receive(cast, name="5678号商店", phone="13700001111")
    return {"hotel": hotel, "person": person, "landline": landline, "digits": digits}


def test_the_last_four_digits_are_what_the_mask_shows(applicants):
    rows = {c.number: c for c in Case.objects.all()}
    for case in applicants.values():
        stored = rows[case.number]
        assert stored.applicant_phone_masked.endswith(stored.applicant_phone_last4)
        assert stored.applicant_phone_last4 == stored.applicant_phone[-4:]
    assert rows[applicants["landline"].number].applicant_phone_last4 == "7788"
    assert phone_last4("123456") == "" and phone_last4("") == ""  # the mask shows no digit of a short value


def test_a_name_is_found_by_any_part(cast, applicants):
    user = cast["window_a"]
    assert numbers(search_cases(user, q="悦来宾馆")) == {applicants["hotel"].number}
    assert numbers(search_cases(user, q="有限公司")) == {applicants["hotel"].number}
    assert numbers(search_cases(user, q="悦来")) == {applicants["hotel"].number, applicants["person"].number}
    assert numbers(search_cases(user, q="ＹＸ")) == set()  # full-width typed, normalised; matches nothing here


def test_two_characters_find_them_side_by_side_in_that_order(cast, applicants):
    """A two-character query is served from the characters' index on PostgreSQL (decision 0044), which finds names
    holding both characters anywhere: the result is still exactly the names that contain the two, in order."""
    user = cast["window_a"]
    side_by_side = receive(cast, name="陈明刚", phone="13600000001")
    whole = receive(cast, name="明刚", phone="13600000002")
    receive(cast, name="刚明", phone="13600000003")  # both characters, the other way round
    receive(cast, name="明大刚", phone="13600000004")  # both, not side by side
    receive(cast, name="明明", phone="13600000005")  # one of them, twice
    assert numbers(search_cases(user, q="明刚")) == {side_by_side.number, whole.number}
    assert numbers(search_cases(user, q="明明")) == {Case.objects.get(applicant_name="明明").number}
    assert numbers(search_cases(user, q=" 刚明 ")) == {Case.objects.get(applicant_name="刚明").number}
    assert numbers(search_cases(user, q="来宾")) == {applicants["hotel"].number}
    assert numbers(search_cases(user, q="明", status="")) >= {side_by_side.number, whole.number}  # one: a scan


def test_the_migration_names_the_index_the_search_reads():
    from bianmin.cases.lookup_chars import CHARS_INDEX

    assert importlib.import_module("bianmin.cases.migrations.0026_name_chars_index").CHARS_INDEX == CHARS_INDEX


def test_four_digits_find_the_phone_ending_or_the_name(cast, applicants):
    user = cast["window_a"]
    assert numbers(search_cases(user, q="5678")) == {applicants["hotel"].number, applicants["person"].number,
                                                     applicants["digits"].number}
    assert numbers(search_cases(user, q="７７８８")) == {applicants["landline"].number}  # full-width digits
    assert numbers(search_cases(user, q="45678")) == set()  # not a last-4, not a full phone
    assert numbers(search_cases(user, q="1234")) == set()  # digits in the middle of a phone are not searched
    # A full phone still goes through the blind index, exactly.
    assert numbers(search_cases(user, q="139 1234 5678")) == {applicants["hotel"].number}
    assert numbers(search_cases(user, q="91350100M000100Y43")) == {applicants["hotel"].number}


def test_the_search_keeps_to_the_users_scope(cast, applicants):
    assert numbers(search_cases(cast["town_window"], q="5678")) == set()
    assert numbers(search_cases(cast["town_window"], q="悦来宾馆")) == set()


def test_a_last_four_search_is_not_audited_but_a_full_phone_is(cast, applicants, now):
    before = AuditEntry.objects.count()
    svc.find_cases(actor=cast["window_a"], q="5678", now=now)
    assert AuditEntry.objects.count() == before
    svc.find_cases(actor=cast["window_a"], q="13912345678", now=now)
    assert AuditEntry.objects.count() == before + 1


def test_the_migration_fills_the_column_of_existing_rows_in_batches(cast, applicants, monkeypatch):
    migration = importlib.import_module("bianmin.cases.migrations.0016_search_last4")
    Case.objects.update(applicant_phone_last4="")
    monkeypatch.setattr(migration, "BATCH", 3)  # four rows: two batches

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection
    migration.fill_last4(global_apps, editor)
    assert dict(Case.objects.values_list("applicant_name", "applicant_phone_last4")) == {
        HOTEL: "5678", "王悦来": "5678", "赵六": "7788", "5678号商店": "1111"}


# --- the 工作台's case lists -------------------------------------------------------------------------------------

def _accepted(cast, who="window_a", **kw) -> Case:
    case = receive(cast, who=who, **kw)
    return svc.accept_case(actor=cast[who], number=case.number, now=at(MON))


@pytest.fixture
def desk(cast, item):
    """window_a: three running cases (deadline 2026-03-16, yellow from 03-11), one paused; window_b: one; and one
    application awaiting review at the county center, one at the town center."""
    mine = [_accepted(cast) for _ in range(3)]
    svc.start_pause(actor=cast["window_a"], number=mine[2].number, kind="TESTING", basis="检测", expected_days=3,
                    now=at(MON, 11))
    b_case = _accepted(cast, who="window_b")
    waiting = receive(cast)
    receive(cast, who="town_window")
    return {"mine": mine, "b_case": b_case, "waiting": waiting}


@pytest.mark.parametrize(("today", "level"), [(dt.date(2026, 3, 13), Warning.YELLOW),
                                              (dt.date(2026, 3, 17), Warning.RED)])
def test_the_warning_lists_agree_with_the_workbench_warnings(cast, desk, today, level):
    user = cast["window_a"]
    expected = {r.number for r in workbench_rows(user, today) if r.warning == level}
    kind = level.value.lower()
    assert numbers(desk_cases(visible_cases(user), user, today, kind)) == expected
    assert expected == {c.number for c in desk["mine"][:2]}  # the paused one is left out
    counts = case_desk_counts(user, today, ("intake", "red", "yellow"))
    assert counts[kind] == 2 and counts["yellow" if kind == "red" else "red"] == 0
    assert counts["intake"] == 1  # the county center's application, not the town's


def test_nothing_is_near_its_deadline_early_on(cast, desk):
    assert case_desk_counts(cast["window_a"], dt.date(2026, 3, 3), ("red", "yellow")) == {"red": 0, "yellow": 0}


def test_b_counts_the_cases_of_an_absent_a(cast, desk):
    today = dt.date(2026, 3, 17)
    assert case_desk_counts(cast["window_b"], today, ("red",)) == {"red": 1}
    Absence.objects.create(staff=cast["window_a"].staff_profile, kind="LEAVE", start_date=today, end_date=today)
    b = type(cast["window_b"]).objects.get(pk=cast["window_b"].pk)
    assert case_desk_counts(b, today, ("red",)) == {"red": 3}
    assert numbers(desk_cases(visible_cases(b), b, today, "red")) == {
        desk["b_case"].number, desk["mine"][0].number, desk["mine"][1].number}


def test_an_unknown_list_or_a_user_without_profile_gives_nothing(cast, desk, django_user_model):
    user = cast["window_a"]
    assert not desk_cases(visible_cases(user), user, dt.date(2026, 3, 17), "green").exists()
    stranger = django_user_model.objects.create_user(username="noprofile", password="x" * 12, full_name="无")
    assert case_desk_counts(stranger, dt.date(2026, 3, 17), ("red", "intake")) == {"red": 0, "intake": 0}
    assert not desk_cases(Case.objects.all(), stranger, dt.date(2026, 3, 17), "intake").exists()


def test_counting_costs_one_query_per_list_whatever_the_rows(cast, item):
    today = dt.date(2026, 3, 17)
    user = cast["window_a"]
    _accepted(cast)
    case_desk_counts(user, today, ("intake", "red", "yellow"))  # warm the profile cache
    with CaptureQueriesContext(connection) as few:
        case_desk_counts(user, today, ("intake", "red", "yellow"))
    for _ in range(4):
        _accepted(cast)
        receive(cast)
    with CaptureQueriesContext(connection) as many:
        counts = case_desk_counts(user, today, ("intake", "red", "yellow"))
    assert counts == {"intake": 4, "red": 5, "yellow": 0}
    assert len(many.captured_queries) == len(few.captured_queries) <= 3 + 2  # 3 COUNTs + whom the user backs up
    assert all("COUNT(" in q["sql"].upper() for q in many.captured_queries[-3:])
