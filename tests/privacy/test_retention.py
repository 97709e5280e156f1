"""The retention schedule, the daily job and the legal hold."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Person
from hub.celery import app as celery_app
from privacy import selectors, services
from privacy.models import AnonymisedCase, RetentionRule, RetentionRun
from privacy.tasks import run_retention_daily
from tests.factories import CaseFactory, CrimeFactory, PersonFactory
from tests.privacy.conftest import ago, make_old, set_dates

pytestmark = pytest.mark.django_db


def rule_of(case) -> RetentionRule | None:
    row = selectors.with_retention().filter(pk=case.pk).values("retention_rule_id").first()
    return RetentionRule.objects.filter(pk=row["retention_rule_id"]).first()


def test_the_schedule_is_seeded_with_a_rule_for_every_case():
    keys = list(RetentionRule.objects.order_by("priority").values_list("key", "years"))
    assert keys == [("serious_harm", 10), ("serious_crime", 7), ("letter_only", 2),
                    ("standard", 6)]
    assert all(rule.rationale for rule in RetentionRule.objects.all())
    assert RetentionRule.objects.get(key="standard").matches_everything


@pytest.mark.parametrize(
    ("case_kwargs", "person_kwargs", "expected"),
    [
        ({"route": "letter_only"}, {}, "letter_only"),
        ({"route": "hub_contact"}, {}, "standard"),
        ({"route": "high_risk"}, {}, "serious_crime"),
        # The first rule that matches wins: domestic abuse outranks "letter only".
        ({"route": "letter_only", "crime__markers": ["domestic_abuse"]}, {}, "serious_harm"),
        ({"route": "hub_contact", "crime__crime_type": "sexual_offences"}, {}, "serious_harm"),
        ({"route": "hub_contact", "crime__markers": ["hate_crime"]}, {}, "serious_crime"),
        # A child at referral: 15 on the day.
        ({"route": "letter_only"}, {"date_of_birth": date(2010, 1, 1)}, "serious_harm"),
        ({"route": "letter_only", "crime": None, "source": "self_referral"}, {}, "letter_only"),
    ],
)
def test_each_case_takes_the_first_rule_that_covers_it(case_kwargs, person_kwargs, expected):
    person = PersonFactory(**person_kwargs)
    case = CaseFactory(person=person, **case_kwargs)
    if person_kwargs.get("date_of_birth"):
        set_dates(case, referred=timezone.make_aware(datetime(2025, 6, 1)))
    assert rule_of(case).key == expected


def test_a_self_referral_under_18_is_a_child_victim():
    from intake.models import SelfReferral

    case = CaseFactory(crime=None, source="self_referral", route="letter_only",
                       person__date_of_birth=None)
    SelfReferral.objects.create(case=case, asked_by="victim", under_18=True)
    assert rule_of(case).key == "serious_harm"


def test_retention_counts_from_closure_or_else_from_referral():
    now = timezone.now()
    # Letter only, never closed: two years from referral.
    letter_due = set_dates(CaseFactory(route="letter_only", status="letter_only"),
                           referred=ago(years=2, days=2))
    letter_kept = set_dates(CaseFactory(route="letter_only", status="letter_only"),
                            referred=ago(years=1))
    # Standard: six years from closure, however long ago the referral.
    closed_due = set_dates(CaseFactory(status="closed"), referred=ago(years=9),
                           closed=ago(years=6, days=2))
    closed_kept = set_dates(CaseFactory(status="closed"), referred=ago(years=9),
                            closed=ago(years=5))
    # Domestic abuse: ten years.
    da_kept = set_dates(CaseFactory(status="closed", crime__markers=["domestic_abuse"]),
                        referred=ago(years=9), closed=ago(years=8))
    due = set(selectors.due_for_retention(now).values_list("pk", flat=True))
    assert letter_due.pk in due and closed_due.pk in due
    assert not {letter_kept.pk, closed_kept.pk, da_kept.pk} & due


def test_the_due_cases_are_found_by_one_query_over_the_cases():
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            list(selectors.due_for_retention().values_list("pk", flat=True))
        return len(captured)

    set_dates(CaseFactory(route="letter_only"), referred=ago(years=3))
    few = queries()
    for _ in range(10):
        set_dates(CaseFactory(route="letter_only"), referred=ago(years=3))
    assert queries() == few == 2  # the rules, then the cases
    assert selectors.due_for_retention().count() == 11


def test_after_the_run_nothing_is_past_retention_without_a_hold(victim, manager_user):
    make_old(victim)
    old = [set_dates(CaseFactory(route=route, status="closed"), referred=ago(years=12),
                     closed=ago(years=11))
           for route in ("letter_only", "hub_contact", "high_risk")]
    held = set_dates(CaseFactory(status="closed"), referred=ago(years=12), closed=ago(years=11))
    services.place_hold(case=held, by=manager_user, reason="complaint_or_claim",
                        detail="Claim served")
    recent = CaseFactory()
    assert selectors.due_for_retention().count() == len(old) + 2

    run = services.run_retention()

    assert selectors.due_for_retention().count() == 0
    assert set(selectors.past_retention().values_list("pk", flat=True)) == {held.pk}
    assert (run.due, run.cases_anonymised, run.people_anonymised, run.held) == (5, 5, 4, 1)
    assert not AnonymisedCase.objects.filter(case__in=[held, recent]).exists()
    assert AnonymisedCase.objects.get(case=old[0]).rule.key == "letter_only"
    # A second run has nothing to do.
    again = services.run_retention()
    assert (again.due, again.cases_anonymised) == (0, 0)


def test_lifting_the_hold_lets_the_next_run_anonymise(manager_user):
    case = set_dates(CaseFactory(status="closed"), referred=ago(years=12), closed=ago(years=11))
    hold = services.place_hold(person=case.person, by=manager_user,
                               reason="domestic_homicide_review", detail="DHR 2025/3")
    services.run_retention()
    assert not AnonymisedCase.objects.filter(case=case).exists()
    services.lift_hold(hold=hold, by=manager_user, reason="Review published")
    services.run_retention()
    assert AnonymisedCase.objects.filter(case=case).exists()


def test_a_person_with_a_newer_case_keeps_their_details():
    person = PersonFactory(first_name="Keeper", phone="07700900777")
    old = set_dates(CaseFactory(person=person, status="closed", outcome_detail="old words"),
                    referred=ago(years=12), closed=ago(years=11))
    newer = CaseFactory(person=person, outcome_detail="new words")
    run = services.run_retention()
    assert run.cases_anonymised == 1 and run.people_anonymised == 0
    person.refresh_from_db()
    assert (person.first_name, person.phone) == ("Keeper", "07700900777")
    old.refresh_from_db()
    newer.refresh_from_db()
    assert old.outcome_detail == "" and newer.outcome_detail == "new words"


def test_a_shorter_period_applies_at_the_next_run(manager_user):
    case = set_dates(CaseFactory(status="closed"), referred=ago(years=5), closed=ago(years=4))
    assert selectors.due_for_retention().count() == 0
    standard = RetentionRule.objects.get(key="standard")
    services.set_retention_periods(years={standard.pk: 3}, by=manager_user)
    assert list(selectors.due_for_retention().values_list("pk", flat=True)) == [case.pk]
    # The change is in the rule's history, with who made it.
    event = standard.events.order_by("-pgh_id").first()
    assert event.years == 3 and event.pgh_context.metadata["user"] == manager_user.pk


def test_a_case_no_rule_covers_is_kept():
    RetentionRule.objects.filter(key="standard").delete()
    case = set_dates(CaseFactory(route="hub_contact", status="closed"), referred=ago(years=12),
                     closed=ago(years=11))
    assert not selectors.due_for_retention().filter(pk=case.pk).exists()


def test_the_daily_task_runs_the_retention(manager_user):
    set_dates(CaseFactory(route="letter_only"), referred=ago(years=3))
    result = run_retention_daily.delay().get()
    assert result["cases_anonymised"] == 1
    assert RetentionRun.objects.count() == 1
    assert selectors.due_for_retention().count() == 0


def test_the_job_is_in_the_beat_schedule_with_an_expiry():
    entry = celery_app.conf.beat_schedule["run-retention-daily"]
    assert entry["task"] == "privacy.tasks.run_retention_daily"
    assert entry["options"]["expires"] > 0
    assert entry["schedule"].hour == {2} and entry["schedule"].minute == {30}


def test_the_management_command(capsys):
    set_dates(CaseFactory(route="letter_only"), referred=ago(years=3))
    call_command("run_retention", "--dry-run")
    assert "1 cases due" in capsys.readouterr().out
    call_command("run_retention")
    assert "1 cases and 1 people anonymised" in capsys.readouterr().out
    assert selectors.due_for_retention().count() == 0


def test_retention_is_measured_against_the_moment_given():
    case = set_dates(CaseFactory(route="letter_only"), referred=ago(years=1))
    later = timezone.now() + timedelta(days=400)
    assert list(selectors.due_for_retention(later).values_list("pk", flat=True)) == [case.pk]
    services.run_retention(now=later)
    assert AnonymisedCase.objects.filter(case=case).exists()
    assert Person.objects.get(pk=case.person_id).first_name == "Anonymised"


def test_a_crime_reference_goes_with_its_last_case():
    crime = CrimeFactory(reference="CF/GOES/10")
    set_dates(CaseFactory(crime=crime, status="closed"), referred=ago(years=12),
              closed=ago(years=11))
    services.run_retention()
    crime.refresh_from_db()
    assert crime.reference.startswith("ANON-")
