"""The hub's own events evidence the rights it delivers, through the real services, with
nobody typing anything twice (rights.evidence, rights.receivers): letters, calls, the
victim's decision, the DVNA, plan actions, complaints and the police IVNA; and existing
cases get their rows and past evidence from `manage.py sync_entitlements`."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.support_services import update_action
from cases.models import Case
from cases.victims_code import VictimsCodeRight as R
from complaints.services import answer_complaint, record_complaint
from contact.letters import send_letter, take_print_run
from contact.models import ContactOutcome, Letter
from contact.services import queue_letter, record_contact_attempt, record_contact_outcome
from rights import evidence
from rights.models import Entitlement, EvidenceSource, EvidenceStatus
from tests.assessments.builders import action, supported_case
from tests.factories import CaseFactory, IvnaFactory, PersonFactory, ivna_payload

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
MON_10 = datetime(2025, 3, 3, 10, 0, tzinfo=LONDON)


def right(case: Case, number: int) -> Entitlement:
    return Entitlement.objects.get(case=case, right=number)


def person(**kwargs):
    defaults = {"phone": "07700900123", "address_line1": "1 High St", "postcode": "PE13 1AA",
                "email": ""}
    return PersonFactory(**{**defaults, **kwargs})


# -- The police IVNA: Right 2, and Right 4 by route --------------------------------------


def test_the_police_ivna_through_the_api_records_right_2_as_the_polices(police_api):
    response = police_api.post("/api/v1/ivnas/", ivna_payload(), format="json")
    case = Case.objects.get(pk=response.json()["case_id"])

    row = right(case, R.CRIME_RECORDED)
    assert (row.status, row.source) == (EvidenceStatus.MET, EvidenceSource.POLICE_API)
    assert "via the API" in row.how
    assert right(case, R.REFERRAL_TO_SUPPORT).status == EvidenceStatus.DUE


def test_a_self_referral_has_no_police_rights():
    case = CaseFactory(crime=None, source="self_referral")
    assert not Entitlement.objects.filter(case=case, right__in=[2, 3]).exists()
    assert Entitlement.objects.filter(case=case, right=4).exists()


@pytest.mark.parametrize(
    ("kwargs", "status", "reason"),
    [
        ({"route": "high_risk"}, EvidenceStatus.NOT_APPLICABLE, evidence.MANAGED_BY_MASH),
        ({"supported_elsewhere": True}, EvidenceStatus.NOT_APPLICABLE,
         evidence.SUPPORTED_ELSEWHERE),
        ({"declined_contact_at_ivna": True}, EvidenceStatus.DECLINED, evidence.DECLINED_AT_IVNA),
    ],
    ids=["mash", "supported_elsewhere", "declined_at_ivna"],
)
def test_right_4_by_the_route_and_the_ivna(kwargs, status, reason):
    row = right(CaseFactory(**kwargs), R.REFERRAL_TO_SUPPORT)
    assert (row.status, row.reason, row.source) == (status, reason, EvidenceSource.HUB)


def test_a_case_stepped_down_from_the_mash_is_the_hubs_again():
    case = CaseFactory(route="high_risk")
    case.route = "hub_contact"
    case.save(update_fields=["route", "updated_at"])
    assert right(case, R.REFERRAL_TO_SUPPORT).status == EvidenceStatus.DUE


# -- Letters: Right 1 (language) and Right 4 (letter only) -------------------------------


def _emailed(case: Case) -> Letter:
    letter = queue_letter(case=case, kind="introductory")
    send_letter(letter)
    letter.refresh_from_db()
    assert letter.status == "sent"
    return letter


def test_a_letter_only_victims_email_in_their_language_meets_rights_1_and_4(mailoutbox):
    case = CaseFactory(route="letter_only", person=person(email="v@example.org",
                                                          first_language="pl"))
    letter = _emailed(case)

    one, four = right(case, R.UNDERSTAND), right(case, R.REFERRAL_TO_SUPPORT)
    assert (one.status, one.met_at, one.source) == (EvidenceStatus.MET, letter.sent_at, "hub")
    assert "Polish" in one.how
    assert four.status == EvidenceStatus.MET and "offering the hub's support" in four.how


def test_a_letter_in_english_for_lack_of_the_victims_language_does_not_meet_right_1(
    mailoutbox,
):
    case = CaseFactory(route="hub_contact", person=person(email="v@example.org",
                                                          first_language="ar"))
    _emailed(case)
    assert right(case, R.UNDERSTAND).status == EvidenceStatus.DUE
    # On the hub-contact route the introduction is not the offer of support: the call is.
    assert right(case, R.REFERRAL_TO_SUPPORT).status == EvidenceStatus.DUE


def _postal_letter(settings) -> Letter:
    settings.HUB_POSTAL_LETTERS_NEED_APPROVAL = False
    letter = queue_letter(case=CaseFactory(route="letter_only", person=person()),
                          kind="introductory")
    send_letter(letter)
    return letter


def test_the_post_rooms_print_run_evidences_its_letters_in_queries_that_do_not_grow(
    settings, vcc_user
):
    _postal_letter(settings)
    with CaptureQueriesContext(connection) as one:
        take_print_run(by=vcc_user)
    letters = [_postal_letter(settings) for _ in range(4)]

    with CaptureQueriesContext(connection) as four:
        take_print_run(by=vcc_user)

    assert len(four) <= len(one)
    for letter in letters:
        assert right(letter.case, R.UNDERSTAND).status == EvidenceStatus.MET
        assert right(letter.case, R.REFERRAL_TO_SUPPORT).status == EvidenceStatus.MET


# -- Calls and the victim's decision: Rights 1 and 4 -------------------------------------


@pytest.fixture
def awaiting():
    return CaseFactory(route="hub_contact", status="awaiting_contact",
                       person=person(first_language="pl", interpreter_needed=True))


def _call(case, vcc, **kwargs):
    return record_contact_attempt(case=case, made_at=MON_10, number_used="07700900123",
                                  outcome="contacted", by=vcc, **kwargs)


def test_a_call_without_the_interpreter_the_victim_needs_does_not_meet_right_1(
    awaiting, vcc_user
):
    _call(awaiting, vcc_user)
    assert right(awaiting, R.UNDERSTAND).status == EvidenceStatus.DUE


def test_a_call_with_an_interpreter_meets_right_1_and_the_decision_right_4(
    awaiting, vcc_user, django_assert_max_num_queries
):
    # The call path, Right 1 included (one conditional UPDATE), stays bounded.
    with django_assert_max_num_queries(16):
        _call(awaiting, vcc_user, with_interpreter=True)
    one = right(awaiting, R.UNDERSTAND)
    assert (one.status, one.met_at) == (EvidenceStatus.MET, MON_10)
    assert "interpreter" in one.how

    record_contact_outcome(case=awaiting, outcome=ContactOutcome.ACCEPTED, by=vcc_user)

    four = right(awaiting, R.REFERRAL_TO_SUPPORT)
    assert four.status == EvidenceStatus.MET and "needs assessment" in four.how


def test_a_victim_who_declines_on_the_call_declined_right_4(awaiting, vcc_user):
    _call(awaiting, vcc_user, with_interpreter=True)
    record_contact_outcome(case=awaiting, outcome=ContactOutcome.DECLINED, by=vcc_user,
                           detail="Has family support")
    four = right(awaiting, R.REFERRAL_TO_SUPPORT)
    assert (four.status, four.reason) == (EvidenceStatus.DECLINED, evidence.DECLINED_ON_CONTACT)


# -- The DVNA and the plan: Rights 4 and 5 -----------------------------------------------


def test_the_dvna_meets_right_4_and_a_compensation_action_done_meets_right_5(vcc_user):
    case = supported_case(vcc_user, actions=[
        action(vcc_user, areas=("finance",), kind="compensation_information",
               description="Tell her about the CICA scheme"),
    ])
    assert "DVNA" in right(case, R.REFERRAL_TO_SUPPORT).how
    assert right(case, R.COMPENSATION).status == EvidenceStatus.DUE  # planned, not done

    planned = case.recovery_plans.get().actions.get()
    update_action(action=planned, version=planned.plan.version, by=vcc_user, details=action(
        vcc_user, areas=("finance",), kind="compensation_information",
        description="Told her about the CICA scheme", status="done"))

    five = right(case, R.COMPENSATION)
    assert five.status == EvidenceStatus.MET and five.how.startswith("Compensation information")


# -- Complaints: Right 12 ----------------------------------------------------------------


@pytest.mark.parametrize(("days_ago", "status"), [(0, "met"), (40, "missed")])
def test_a_complaint_answered_in_time_meets_right_12_and_late_misses_it(
    manager_user, days_ago, status
):
    case = CaseFactory()
    complaint = record_complaint(
        by=manager_user, received_at=timezone.now() - timedelta(days=days_ago), how="phone",
        from_whom="victim", summary="Nobody called back", about_right=4, case=case,
    )
    assert right(case, R.COMPLAINT).status == EvidenceStatus.DUE

    answer_complaint(complaint=complaint, by=manager_user, outcome="not_upheld")

    row = right(case, R.COMPLAINT)
    assert row.status == status
    assert row.reason == ("" if status == "met" else evidence.ANSWERED_LATE)


# -- Existing cases ----------------------------------------------------------------------


def test_sync_entitlements_makes_the_rows_and_past_evidence_of_existing_cases(mailoutbox):
    case = CaseFactory(route="letter_only", person=person(email="v@example.org"))
    IvnaFactory(case=case, safe_to_write=True, consent_to_contact=True)
    _emailed(case)
    Entitlement.objects.filter(case=case).delete()  # as before the rights app

    call_command("sync_entitlements")
    call_command("sync_entitlements")  # safe to run again

    rows = {row.right: row for row in Entitlement.objects.filter(case=case)}
    assert set(rows) == {1, 2, 3, 4, 5}
    assert [rows[n].status for n in (1, 2, 3, 4, 5)] == ["met", "met", "due", "met", "due"]
