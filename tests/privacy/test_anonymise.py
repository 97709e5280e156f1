"""anonymise_case: nothing that identifies the victim survives, in the records or in their
history, and the flow counts are the same before and after."""

from __future__ import annotations

from datetime import date

import pytest
from django.apps import apps

from cases.models import Case, CaseTransition, Crime, Person
from contact.models import Letter
from core.errors import LEGAL_HOLD, DomainError
from directory.models import SupportService
from privacy import services
from privacy.models import AnonymisedCase, AnonymisedPerson, LegalHold
from referrals.models import Referral
from reporting.flow import Period, compute_flow
from tests.factories import CaseFactory, CrimeFactory, IvnaFactory, LetterFactory, PersonFactory
from tests.privacy.conftest import make_victim, secrets_in_database
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


def test_the_victim_is_in_the_database_before(victim):
    # The scan finds what the fixture put there: the test below means something.
    found = secrets_in_database()
    for label in ("cases.Person:", "cases.PersonEvent:", "contact.Letter:", "cases.Crime:",
                  "referrals.Referral:", "intake.SelfReferralEvent:", "cases.CaseTransition:"):
        assert any(line.startswith(label) for line in found), label


def test_anonymisation_leaves_nothing_that_identifies_the_victim(victim, manager_user):
    services.anonymise_case(case=victim.case, by=manager_user, reason="erasure")
    services.anonymise_case(case=victim.self_referred, by=manager_user, reason="erasure")

    # Every table, history (the *Event tables) included: no name, phone, address, date of
    # birth, police id, crime reference, note, letter or document text.
    assert secrets_in_database() == []

    person = Person.objects.get(pk=victim.person.pk)
    assert person.full_name == "Anonymised"
    assert (person.phone, person.email, person.address_line1, person.postcode) == ("", "", "", "")
    assert person.date_of_birth is None
    assert person.police_person_id.startswith("ANON-")
    assert not person.safe_to_call and not person.safe_to_write
    # Kept: the categories the returns count.
    assert (person.gender, person.ethnicity, person.district, person.deprivation_quintile) == (
        "male", "white_other", "fenland", 2
    )
    letter = Letter.objects.get(case=victim.case)
    assert letter.pdf is None and letter.text == ""
    assert bytes(Referral.objects.get(case=victim.case).document) == b""
    crime = Crime.objects.get(pk=victim.case.crime_id)
    assert crime.reference.startswith("ANON-")
    assert crime.crime_type == "violence_against_the_person" and crime.markers == ["hate_crime"]
    assert crime.offence_date.day == 1  # the month only
    # The timeline keeps who, when, from and to, with the standard words for the move.
    transition = CaseTransition.objects.get(case=victim.case, to_status="declined")
    assert transition.reason == "contacted: declined support"

    mark = AnonymisedCase.objects.get(case=victim.case)
    assert mark.age_band_at_referral not in ("", "unknown")
    assert AnonymisedPerson.objects.filter(person=victim.person).exists()


def test_the_history_rows_are_scrubbed_too(victim, manager_user):
    person_events = apps.get_model("cases", "PersonEvent")
    assert person_events.objects.filter(pgh_obj_id=victim.person.pk, phone="07700900000").exists()
    services.anonymise_case(case=victim.case, by=manager_user, reason="erasure")
    services.anonymise_case(case=victim.self_referred, by=manager_user, reason="erasure")
    events = person_events.objects.filter(pgh_obj_id=victim.person.pk)
    assert events.count() >= 3  # insert, the phone change, the anonymisation
    assert set(events.values_list("first_name", "last_name", "phone", "date_of_birth")) == {
        ("Anonymised", "", "", None)
    }
    ivna_events = apps.get_model("intake", "IvnaEvent")
    assert set(ivna_events.objects.filter(case_id=victim.case.pk).values_list("notes", flat=True)
               ) == {""}


def test_every_tracked_model_is_accounted_for():
    """A new tracked model must be added to a list in privacy.services: what it removes,
    or why there is nothing to remove."""
    listed = {Person, Crime, *(m for m, _ in services.case_text_models())}
    listed |= {m for m, *_ in services.NESTED_TEXT}
    listed |= set(services.NOTHING_TO_REMOVE) | set(services.NOT_VICTIM_DATA)
    tracked = {
        model for model in apps.get_models()
        if getattr(model, "pgh_event_models", None) and not model._meta.label.endswith("Event")
    }
    assert tracked - listed == set()


def test_every_record_of_a_case_is_accounted_for():
    """Untracked records of a case hold a victim's details too (e.g. every IVNA version as
    the police sent it): each model with a link to a case is in a list, or handled apart."""
    from cases.models import Case

    listed = {m for m, _ in services.case_text_models()} | {m for m, *_ in services.NESTED_TEXT}
    listed |= set(services.NOTHING_TO_REMOVE) | set(services.NOT_VICTIM_DATA)
    of_a_case = {
        model for model in apps.get_models()
        if not model._meta.label.endswith("Event")
        and any(f.is_relation and f.related_model is Case for f in model._meta.concrete_fields)
    }
    missing = {m._meta.label for m in of_a_case - listed}
    assert missing == set(services.CASE_RECORDS_HANDLED_APART)


def _flow_world(vcc):
    """Cases in every leaf of the flow, in two districts, with introductory letters."""
    cases = []
    for route, outcome, elsewhere, responded, source in [
        ("letter_only", "", False, False, "police_ivna"),
        ("letter_only", "", False, True, "police_ivna"),
        ("high_risk", "", False, False, "police_ivna"),
        ("hub_contact", "", True, False, "police_ivna"),
        ("hub_contact", "", False, False, "agency"),
        ("hub_contact", "no_contact", False, False, "police_ivna"),
        ("hub_contact", "declined", False, False, "self_referral"),
        ("hub_contact", "signposted", False, False, "police_ivna"),
        ("hub_contact", "accepted", False, False, "police_ivna"),
    ]:
        for district in ("fenland", "peterborough"):
            case = CaseFactory(route=route, contact_outcome=outcome, supported_elsewhere=elsewhere,
                               responded_to_letter=responded, source=source,
                               person__district=district, outcome_detail="ZQX words")
            LetterFactory(case=case, kind="introductory", channel="post",
                          status="sent" if route != "high_risk" else "queued",
                          text="Dear ZQX")
            cases.append(case)
    # A repeat victim: two cases, one person (unique victims must stay the same).
    person = PersonFactory(district="fenland")
    cases += [CaseFactory(person=person, route="hub_contact", contact_outcome="accepted")
              for _ in range(2)]
    return cases


def test_the_flow_counts_are_the_same_after_anonymisation(vcc_user):
    cases = _flow_world(vcc_user)
    period = Period(date(2000, 1, 1), date(2100, 12, 31))
    before = {d: compute_flow(period, d).as_dict() for d in (None, "fenland", "peterborough")}
    assert before[None]["referred"] == len(cases) and before[None]["letters_sent"] > 0
    for case in cases:
        services.anonymise_case(case=case, by=None, reason="retention")
    after = {d: compute_flow(period, d).as_dict() for d in (None, "fenland", "peterborough")}
    assert after == before
    assert AnonymisedCase.objects.count() == len(cases)


def test_a_person_with_another_case_keeps_their_details(victim, manager_user):
    services.anonymise_case(case=victim.case, by=manager_user, reason="retention")
    person = Person.objects.get(pk=victim.person.pk)
    assert person.first_name == "Zebedee" and person.phone == "07700900555"
    assert not AnonymisedPerson.objects.filter(person=person).exists()
    # The anonymised case's own records are gone already.
    assert Letter.objects.get(case=victim.case).text == ""
    # With the last case, the person goes.
    result = services.anonymise_case(case=victim.self_referred, by=manager_user,
                                     reason="retention")
    assert result.person
    assert Person.objects.get(pk=victim.person.pk).first_name == "Anonymised"


def test_a_crime_shared_with_another_victim_keeps_its_reference(vcc_user):
    crime = CrimeFactory(reference="CF/SHARED/15")
    first = IvnaFactory(case__crime=crime).case
    IvnaFactory(case__crime=crime)
    services.anonymise_case(case=first, by=None, reason="retention")
    assert Crime.objects.get(pk=crime.pk).reference == "CF/SHARED/15"


def test_a_case_under_a_hold_is_not_anonymised(victim, manager_user):
    services.place_hold(case=victim.case, by=manager_user, reason="investigation",
                        detail="Trial at Cambridge Crown Court")
    with pytest.raises(DomainError) as refused:
        services.anonymise_case(case=victim.case, by=manager_user, reason="erasure")
    assert refused.value.code == LEGAL_HOLD
    assert not AnonymisedCase.objects.filter(case=victim.case).exists()
    assert Person.objects.get(pk=victim.person.pk).first_name == "Zebedee"


def test_a_hold_on_the_person_covers_all_their_cases(victim, manager_user):
    services.place_hold(person=victim.person, by=manager_user,
                        reason="domestic_homicide_review", detail="DHR panel asked")
    for case in (victim.case, victim.self_referred):
        with pytest.raises(DomainError, match="under a legal hold"):
            services.anonymise_case(case=case, by=None, reason="retention")


def test_anonymising_twice_changes_nothing_more(victim, manager_user):
    first = services.anonymise_case(case=victim.case, by=manager_user, reason="retention")
    again = services.anonymise_case(case=victim.case, by=manager_user, reason="retention")
    assert again.case.pk == first.case.pk
    assert AnonymisedCase.objects.filter(case=victim.case).count() == 1


def test_hold_details_go_with_the_case(victim, manager_user):
    hold = services.place_hold(case=victim.case, by=manager_user, reason="other",
                               detail="ZQX asked by Zebedee's solicitor")
    services.lift_hold(hold=hold, by=manager_user, reason="ZQX case over")
    services.anonymise_case(case=victim.case, by=manager_user, reason="retention")
    hold = LegalHold.objects.get(pk=hold.pk)
    assert (hold.detail, hold.lift_reason) == ("", "")
    assert hold.reason == "other" and hold.lifted_at is not None


def test_scheduled_work_is_cancelled(victim, manager_user):
    from scheduling.models import ScheduledItem
    from scheduling.services import schedule

    item = schedule(kind="follow_up", due_at=victim.case.referred_at, case=victim.case)
    services.anonymise_case(case=victim.case, by=manager_user, reason="retention")
    item.refresh_from_db()
    assert item.state == "cancelled"
    assert ScheduledItem.objects.filter(case=victim.case, state="due").count() == 0


def test_the_service_directory_and_volunteers_are_not_touched(victim, manager_user):
    names = set(SupportService.objects.values_list("name", flat=True))
    volunteers = list(Volunteer.objects.values_list("pk", "user_id"))
    services.anonymise_case(case=victim.case, by=manager_user, reason="retention")
    assert set(SupportService.objects.values_list("name", flat=True)) == names
    assert list(Volunteer.objects.values_list("pk", "user_id")) == volunteers


def test_another_victim_is_left_alone(victim, vcc_user, manager_user):
    other = make_victim(vcc_user, n=2)
    Person.objects.filter(pk=other.person.pk).update(first_name="Other")
    services.anonymise_case(case=victim.case, by=manager_user, reason="erasure")
    services.anonymise_case(case=victim.self_referred, by=manager_user, reason="erasure")
    assert Person.objects.get(pk=other.person.pk).first_name == "Other"
    assert Letter.objects.get(case=other.case).text == "Dear Zebedee Quillfeather"
    assert not Case.objects.filter(pk=other.case.pk, anonymisation__isnull=False).exists()


def test_the_return_keeps_the_age_band_of_an_anonymised_case(manager_user):
    """The quarterly return reads the kept band once the date of birth has gone."""
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    from privacy.services import anonymise_case
    from reporting.returns import quarterly_return
    from tests.factories import CaseFactory, PersonFactory

    when = datetime(2025, 2, 3, 12, tzinfo=ZoneInfo("Europe/London"))
    cases = [
        CaseFactory(person=PersonFactory(date_of_birth=date(1990, 1, 1)), referred_at=when)
        for _ in range(6)
    ]
    before = quarterly_return(2025, 1)["breakdowns"]["age_band"]
    for case in cases:
        anonymise_case(case=case, by=manager_user, reason="retention")
    after = quarterly_return(2025, 1)["breakdowns"]["age_band"]
    assert before["cells"] == after["cells"]


def test_a_record_merged_into_the_victims_goes_with_them(victim, manager_user):
    """A merge keeps the merged record and both records as they were (cases.people): when
    the victim's last case is anonymised, none of it may survive."""
    from cases.people import merge_people

    twin = PersonFactory(police_person_id=None, first_name="Zebedee", last_name="Quillfeather",
                         date_of_birth=date(1979, 3, 14), phone="07700900666",
                         address_line1="2 Secret Lane", postcode="PE13 9ZZ")
    CaseFactory(person=twin)
    merge_people(keep=victim.person, merge=twin, by=manager_user,
                 reason="Zebedee Quillfeather rang: same person", take=["address_line1"])
    for case in Case.objects.filter(person=victim.person):
        services.anonymise_case(case=case, by=manager_user, reason="erasure")

    assert secrets_in_database() == []
    assert AnonymisedPerson.objects.filter(person=twin).exists()
