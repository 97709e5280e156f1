"""The DVNA as a VCC records it: one page, filled in from what the hub already knows."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from assessments.dvna_services import record_dvna, update_dvna
from assessments.models import ConsentToShare, Dvna, DvnaNeed
from core.errors import DomainError
from directory.models import SupportService
from tests.assessments.builders import accepted_case, answers, dvna_form, levels
from tests.factories import CaseFactory, PersonFactory, user_with_role

pytestmark = pytest.mark.django_db


def checked(page: str, name: str, value: str) -> bool:
    """Is the radio or option `name` = `value` selected on the page?"""
    radio = re.search(rf'<input[^>]*name="{name}"[^>]*value="{value}"[^>]*>', page)
    return bool(radio and "checked" in radio.group(0))


def test_the_form_is_filled_in_from_the_person_and_shows_the_ivna(client, vcc_user):
    case = accepted_case(
        case__person=PersonFactory(first_language="pl", interpreter_needed=True,
                                   safe_contact_notes="Only after 6pm"),
        priority_categories=["vulnerable"],
        dash_risk="medium",
        dash_yes_count=9,
        notes="Lives with two children.",
    )
    client.force_login(vcc_user)
    page = client.get(reverse("dvna:new", args=[case.pk])).content.decode()

    known = page[page.index('data-testid="already-known"'):]
    known = known[: known.index("</dl>")]
    for text in ("Vulnerable", "Medium", "(9 'yes' answers)", "Lives with two children.",
                 "Only after 6pm"):
        assert text in known, text
    assert re.search(r'<option value="pl"[^>]*selected', page)
    assert checked(page, "interpreter_needed", "yes")
    # The DASH risk fills in the risk from the offender; the eight areas are asked afresh.
    assert checked(page, "risk_from_offender", "medium")
    assert not checked(page, "health_level", "none")
    # Consent to share is asked per service at the referral, not in a table of every service.
    assert "Consent to share" not in page
    assert SupportService.objects.filter(active=True).first().name not in page


def test_a_dvna_is_recorded_in_one_sitting(client, vcc_user):
    case = accepted_case()
    client.force_login(vcc_user)
    body = dvna_form(
        levels(health="high", finance="medium", social="low"),
        health_notes="Not sleeping since the burglary",
        summary="Anxious at home.",
        communication_needs="Prefers text messages",
    )
    response = client.post(reverse("dvna:new", args=[case.pk]), body)

    # The plan is agreed from the DVNA: that is the next page.
    assert response.status_code == 302
    assert response["Location"] == reverse("support:plan_new", args=[case.pk])
    dvna = Dvna.objects.get(case=case)
    assert (dvna.number, dvna.assessed_by, dvna.version) == (1, vcc_user, 1)
    assert dvna.communication_needs == "Prefers text messages"
    needs = {n.area: n for n in dvna.needs.all()}
    assert len(needs) == 8
    assert needs["health"].level == "high"
    assert needs["health"].notes == "Not sleeping since the burglary"
    assert needs["outlook"].level == "none"
    assert not ConsentToShare.objects.filter(case=case).exists()  # asked at the referral


def test_a_corrected_language_goes_to_the_persons_record(client, vcc_user):
    case = accepted_case()
    client.force_login(vcc_user)
    client.post(reverse("dvna:new", args=[case.pk]),
                dvna_form(first_language="lt", interpreter_needed="yes"))
    case.person.refresh_from_db()
    assert (case.person.first_language, case.person.interpreter_needed) == ("lt", True)


@pytest.mark.parametrize("status", ["awaiting_contact", "declined", "closed"])
def test_no_dvna_before_the_victim_accepts_support_or_after_closure(client, vcc_user, status):
    case = CaseFactory(status=status)
    client.force_login(vcc_user)

    response = client.get(reverse("dvna:new", args=[case.pk]), follow=True)
    plan_tab = reverse("cases:detail", args=[case.pk]) + "#assessment-and-plan"
    assert response.redirect_chain[-1][0] == plan_tab
    assert "A DVNA is recorded once the victim has accepted support" in (
        response.content.decode())
    response = client.post(reverse("dvna:new", args=[case.pk]), dvna_form())
    assert response.status_code == 302
    assert not Dvna.objects.exists()


def test_a_reassessment_is_the_next_version_filled_in_from_the_last(client, vcc_user):
    case = accepted_case()
    record_dvna(case=case, answers=answers(levels(health="high", finance="medium")), by=vcc_user)
    client.force_login(vcc_user)

    page = client.get(reverse("dvna:new", args=[case.pk])).content.decode()
    assert "Reassessment: DVNA 2" in page
    assert checked(page, "health_level", "high")
    assert checked(page, "finance_level", "medium")
    assert checked(page, "risk_from_offender", "medium")

    client.post(reverse("dvna:new", args=[case.pk]),
                dvna_form(levels(health="low", finance="medium", social="high")))
    assert list(Dvna.objects.filter(case=case).values_list("number", flat=True)) == [1, 2]

    # Distance travelled on the case page: areas down, DVNAs across, with the change.
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    table = page[page.index('data-testid="distance-travelled"'):]
    table = table[: table.index("</table>")]
    rows = dict(re.findall(r'data-area="(\w+)">(.*?)</tr>', table, re.S))
    assert re.findall(r">(None|Low|Medium|High)</strong>", rows["health"]) == ["High", "Low"]
    assert 'data-change="better"' in rows["health"]
    assert re.findall(r">(None|Low|Medium|High)</strong>", rows["social"]) == ["None", "High"]
    assert 'data-change="worse"' in rows["social"]
    assert 'data-change="same"' in rows["finance"]


def test_bad_input_gets_errors_and_saves_nothing(client, vcc_user):
    case = accepted_case()
    client.force_login(vcc_user)
    body = dvna_form()
    del body["health_level"]
    body["risk_of_self_harm"] = "extreme"
    response = client.post(reverse("dvna:new", args=[case.pk]), body)
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Choose the level of need for mental and physical health" in page
    assert "Select a valid choice" in page
    assert not Dvna.objects.exists()
    assert not DvnaNeed.objects.exists()


def test_a_stale_correction_is_refused_and_saves_nothing(client, vcc_user, manager_user):
    case = accepted_case()
    dvna = record_dvna(case=case, answers=answers(levels(health="high")), by=vcc_user)
    client.force_login(vcc_user)
    page = client.get(reverse("dvna:edit", args=[case.pk, 1])).content.decode()
    assert re.search(r'name="version" value="1"', page)

    # Meanwhile a manager corrects it.
    update_dvna(dvna=dvna, version=1, answers=answers(levels(health="medium")), by=manager_user)

    response = client.post(
        reverse("dvna:edit", args=[case.pk, 1]),
        dvna_form(levels(health="low"), version="1", summary="My version"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved DVNA 1 after you opened it" in page
    dvna.refresh_from_db()
    assert dvna.version == 2
    assert dvna.summary == ""
    assert dvna.needs.get(area="health").level == "medium"


def test_a_correction_with_the_current_version_is_saved(client, vcc_user):
    case = accepted_case()
    dvna = record_dvna(case=case, answers=answers(levels(health="high")), by=vcc_user)
    client.force_login(vcc_user)
    response = client.post(reverse("dvna:edit", args=[case.pk, 1]),
                           dvna_form(levels(health="low"), version="1"))
    assert response.status_code == 302
    dvna.refresh_from_db()
    assert dvna.version == 2
    assert dvna.needs.get(area="health").level == "low"
    page = client.get(reverse("dvna:detail", args=[case.pk, 1])).content.decode()
    assert "DVNA 1" in page and "Low" in page


@pytest.mark.parametrize("role", ["police", "volunteer", "opcc"])
def test_roles_without_casework_are_refused(client, role):
    case = accepted_case()
    client.force_login(user_with_role(role))
    assert client.get(reverse("dvna:new", args=[case.pk])).status_code == 403
    assert client.post(reverse("dvna:new", args=[case.pk]), dvna_form()).status_code == 403
    assert not Dvna.objects.exists()


def test_another_vcc_cannot_find_a_restricted_case(client, vcc_user):
    case = accepted_case(case__restricted=True, case__allocated_to=vcc_user)
    record_dvna(case=case, answers=answers(), by=vcc_user)
    client.force_login(user_with_role("vcc"))
    for url in (reverse("dvna:new", args=[case.pk]), reverse("dvna:detail", args=[case.pk, 1]),
                reverse("dvna:edit", args=[case.pk, 1])):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("dvna:new", args=[case.pk]), dvna_form()).status_code == 404
    assert Dvna.objects.count() == 1
    client.force_login(vcc_user)
    assert client.get(reverse("dvna:detail", args=[case.pk, 1])).status_code == 200


def test_each_dvna_page_logs_the_read(client, vcc_user):
    from audit.models import AccessLog

    case = accepted_case()
    client.force_login(vcc_user)
    client.get(reverse("dvna:new", args=[case.pk]))
    log = AccessLog.objects.get(view_name="dvna:new")
    assert log.case_ids == [case.pk] and log.user == vcc_user


# -- About the victim: optional protected characteristics (issue 15) -----------------------

PROTECTED = ("disability", "religion", "sexual_orientation")


def test_the_protected_characteristics_are_optional_and_nothing_is_chosen(client, vcc_user):
    case = accepted_case()
    client.force_login(vcc_user)
    page = client.get(reverse("dvna:new", args=[case.pk])).content.decode()
    for name in PROTECTED:
        radios = re.findall(rf'<input[^>]*name="{name}"[^>]*>', page)
        assert radios, name
        assert not any("checked" in radio or "required" in radio for radio in radios), name
    assert checked(page, "religion", "prefer_not_to_say") is False
    assert 'value="prefer_not_to_say"' in page

    # Left unanswered, the DVNA saves with blanks: not asked or not answered.
    response = client.post(reverse("dvna:new", args=[case.pk]), dvna_form())
    assert response.status_code == 302
    dvna = Dvna.objects.get(case=case)
    assert (dvna.disability, dvna.religion, dvna.sexual_orientation) == ("", "", "")


def test_the_answers_given_are_stored_and_shown_when_correcting(client, vcc_user):
    case = accepted_case()
    client.force_login(vcc_user)
    client.post(reverse("dvna:new", args=[case.pk]),
                dvna_form(disability="yes", religion="prefer_not_to_say",
                          sexual_orientation="bisexual"))
    dvna = Dvna.objects.get(case=case)
    assert (dvna.disability, dvna.religion, dvna.sexual_orientation) == (
        "yes", "prefer_not_to_say", "bisexual")
    page = client.get(reverse("dvna:edit", args=[case.pk, dvna.number])).content.decode()
    assert checked(page, "disability", "yes")
    assert checked(page, "sexual_orientation", "bisexual")
    # A reassessment asks afresh: nothing is pre-selected from the last DVNA.
    page = client.get(reverse("dvna:new", args=[case.pk])).content.decode()
    assert not checked(page, "disability", "yes")


def test_an_answer_not_in_the_list_is_refused_with_nothing_saved(client, vcc_user):
    case = accepted_case()
    client.force_login(vcc_user)
    response = client.post(reverse("dvna:new", args=[case.pk]),
                           dvna_form(religion="<script>"))
    assert response.status_code == 200
    assert "Choose one of the answers, or leave it unanswered" in response.content.decode()
    assert not Dvna.objects.filter(case=case).exists()
    with pytest.raises(DomainError) as error:
        record_dvna(case=case, answers=answers(disability="maybe"), by=vcc_user)
    assert "disability" in error.value.fields
