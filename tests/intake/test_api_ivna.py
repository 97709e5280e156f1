"""POST /api/v1/ivnas/: the contract, triage, idempotency, repeat victims and who may post."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiClient, hash_key
from accounts.roles import Role
from accounts.services import create_api_client, revoke_api_client
from cases.models import Case, CaseTransition, Crime, Person
from intake.models import Ivna, ProposedChange
from tests.factories import DELETE, CaseFactory, PersonFactory, ivna_payload

URL = "/api/v1/ivnas/"
LONDON = ZoneInfo("Europe/London")
MODELS = (Person, Crime, Case, Ivna, CaseTransition)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def post(client: APIClient, body):
    return client.post(URL, body, format="json")


def token_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def service_user(name: str = "crime-system"):
    return ApiClient.objects.get(name=name).user


# The contract ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_contract_body_stores_everything_and_answers_201(police_api):
    body = ivna_payload()

    response = post(police_api, body)

    assert response.status_code == 201, response.content
    data = response.json()
    assert set(data) == {"case_id", "victim_id", "route"}
    assert data["route"] == "hub_contact"

    case = Case.objects.select_related("person", "crime").get(pk=data["case_id"])
    assert case.person_id == data["victim_id"]
    assert case.route == "hub_contact"
    assert case.source == "police_ivna"
    assert case.status == "awaiting_contact"
    assert case.enhanced_entitlement is True

    person = case.person
    assert person.police_person_id == "N-000123"
    assert (person.first_name, person.last_name) == ("Ann", "Example")
    assert person.date_of_birth == date(1980, 5, 17)
    assert person.gender == "female"
    assert (person.phone, person.email) == ("+447700900123", "ann@example.org")
    assert (person.address_line1, person.town, person.postcode) == (
        "1 High St",
        "Wisbech",
        "PE13 1AA",
    )
    assert person.district == "fenland"
    assert person.first_language == "en"
    assert person.interpreter_needed is False

    crime = case.crime
    assert crime.reference == "CF/12345/25"
    assert crime.crime_type == "violence_against_the_person"
    assert crime.offence_date.isoformat() == body["crime"]["offence_date"]
    assert crime.reported_at == datetime.fromisoformat(body["crime"]["reported_at"])
    assert crime.markers == ["domestic_abuse"]

    ivna = Ivna.objects.get(case=case)
    assert ivna.priority_categories == ["vulnerable"]
    assert ivna.dash_risk == "medium"
    assert ivna.dash_yes_count is None
    assert ivna.needs_support is True
    assert ivna.supported_elsewhere is False
    assert ivna.mash_referral is False
    assert ivna.safe_to_write is True
    assert ivna.consent_to_contact is True
    assert ivna.notes == "Lives with two children."
    assert ivna.route == "hub_contact"
    assert ivna.enhanced_entitlement is True
    # Vulnerable ticked, domestic abuse marker, officer judges support needed.
    assert ivna.triage_rules == ["E1", "E4", "S1"]
    assert ivna.recorded_by == service_user()
    assert ivna.recorded_by.is_api_client
    assert ivna.submitted_via == "api"

    transitions = list(case.transitions.order_by("at", "pk"))
    assert [(t.from_status, t.to_status) for t in transitions] == [
        ("", "received"),
        ("received", "awaiting_contact"),
    ]
    assert all(t.by == service_user() for t in transitions)
    assert "E1" in transitions[1].reason

    assert counts() == {"Person": 1, "Crime": 1, "Case": 1, "Ivna": 1, "CaseTransition": 2}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "route", "status", "rule"),
    [
        ({"assessment__dash_risk": "high"}, "high_risk", "high_risk", "H1"),
        ({"assessment__dash_yes_count": 14}, "high_risk", "high_risk", "H2"),
        ({"assessment__mash_referral": True}, "high_risk", "high_risk", "H4"),
        ({}, "hub_contact", "awaiting_contact", "E1"),
        (
            {"assessment__priority_categories": [], "victim__date_of_birth": "2012-01-01"},
            "hub_contact",
            "awaiting_contact",
            "E2",
        ),
        (
            {
                "assessment__priority_categories": [],
                "crime__crime_type": "sexual_offences",
                "crime__markers": [],
            },
            "hub_contact",
            "awaiting_contact",
            "E3",
        ),
        (
            {"assessment__priority_categories": [], "assessment__needs_support": False},
            "hub_contact",
            "awaiting_contact",
            "E4",  # domestic abuse is a serious crime even when no category is ticked
        ),
        (
            {"assessment__supported_elsewhere": True},
            "hub_contact",
            "supported_elsewhere",
            "E1",
        ),
        (
            {
                "assessment__priority_categories": [],
                "assessment__dash_risk": DELETE,
                "assessment__needs_support": False,
                "crime__crime_type": "theft_and_handling",
                "crime__markers": [],
            },
            "letter_only",
            "letter_only",
            "L1",
        ),
        (
            {
                "assessment__priority_categories": [],
                "assessment__needs_support": False,
                "crime__crime_type": "anti_social_behaviour",
                "crime__markers": DELETE,
            },
            "letter_only",
            "letter_only",
            "L1",
        ),
        (
            {
                "assessment__priority_categories": [],
                "assessment__needs_support": True,
                "crime__crime_type": "burglary",
                "crime__markers": ["online_crime"],
            },
            "hub_contact",
            "awaiting_contact",
            "S1",
        ),
    ],
)
def test_route_and_status_follow_the_triage_rules(police_api, overrides, route, status, rule):
    response = post(police_api, ivna_payload(**overrides))

    assert response.status_code == 201, response.content
    assert response.json()["route"] == route
    case = Case.objects.get(pk=response.json()["case_id"])
    assert case.route == route
    assert case.status == status
    assert case.ivna.route == route
    assert case.ivna.triage_rules[0] == rule
    moves = list(case.transitions.order_by("at", "pk").values_list("to_status", "reason"))
    assert [to for to, _ in moves] == ["received", status]
    assert f"rule {rule}" in moves[1][1]
    if route == "hub_contact":
        assert case.contact_due_at is not None
    else:
        assert case.contact_due_at is None


# Idempotency ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_same_crime_and_person_again_answers_200_with_the_same_case(police_api):
    first = post(police_api, ivna_payload())
    assert first.status_code == 201
    before = counts()

    again = post(police_api, ivna_payload())

    assert again.status_code == 200, again.content
    assert again.json() == first.json()
    assert counts() == before


def _post_at_once(bodies: list[dict]) -> list:
    """POST each body from its own thread (own connection), all released together."""
    api_client, key = create_api_client(name="crime-system", role=Role.POLICE)
    # Recently used: authentication then writes nothing, so the requests are not queued
    # behind each other's update of last_used_at and really race to the intake.
    ApiClient.objects.filter(pk=api_client.pk).update(last_used_at=timezone.now())
    barrier = threading.Barrier(len(bodies))
    responses: list = [None] * len(bodies)
    errors: list[BaseException] = []

    def submit(index: int) -> None:
        client = token_client(key)
        try:
            barrier.wait(timeout=10)
            responses[index] = post(client, bodies[index])
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    return responses


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_posts_of_the_same_ivna_make_one_case():
    responses = _post_at_once([ivna_payload(), ivna_payload()])

    assert sorted(r.status_code for r in responses) == [200, 201]
    assert responses[0].json() == responses[1].json()
    assert counts() == {"Person": 1, "Crime": 1, "Case": 1, "Ivna": 1, "CaseTransition": 2}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("second", "expected"),
    [
        # Two victims of one new crime: one crime, two people.
        ({"victim__police_person_id": "N-000999"}, {"Person": 2, "Crime": 1}),
        # Two new crimes of one new victim: one person, two crimes.
        ({"crime__reference": "CF/22222/25"}, {"Person": 1, "Crime": 2}),
    ],
)
def test_simultaneous_ivnas_sharing_a_new_crime_or_person(second, expected):
    responses = _post_at_once([ivna_payload(), ivna_payload(**second)])

    assert [r.status_code for r in responses] == [201, 201], [r.content for r in responses]
    assert responses[0].json()["case_id"] != responses[1].json()["case_id"]
    assert counts() == {**expected, "Case": 2, "Ivna": 2, "CaseTransition": 4}


# Repeat victims and several victims of one crime ----------------------------------------


@pytest.mark.django_db
def test_second_crime_for_the_same_person_attaches_and_proposes_new_contact(police_api):
    # A later IVNA never overwrites what the hub knows: the new details wait for a VCC.
    first = post(police_api, ivna_payload()).json()

    second = post(
        police_api,
        ivna_payload(
            crime__reference="CF/22222/25",
            victim__phone="07700900456",
            victim__email="ann.new@example.org",
            victim__address={"line1": "2 Low Rd", "town": "March", "postcode": "pe15 8aa"},
        ),
    )

    assert second.status_code == 201, second.content
    assert second.json()["victim_id"] == first["victim_id"]
    assert second.json()["case_id"] != first["case_id"]
    assert Person.objects.count() == 1
    assert Crime.objects.count() == 2
    person = Person.objects.get()
    assert person.phone == "+447700900123"
    assert person.email == "ann@example.org"
    proposed = dict(
        ProposedChange.objects.filter(case_id=second.json()["case_id"]).values_list(
            "key", "proposed"
        )
    )
    assert proposed["victim.phone"] == "+447700900456"
    assert proposed["victim.email"] == "ann.new@example.org"
    assert (proposed["victim.address_line1"], proposed["victim.town"],
            proposed["victim.postcode"]) == ("2 Low Rd", "March", "PE15 8AA")
    assert set(person.cases.values_list("crime__reference", flat=True)) == {
        "CF/12345/25",
        "CF/22222/25",
    }


@pytest.mark.django_db
def test_api_ivna_without_safe_contact_answers_keeps_what_the_hub_recorded(police_api):
    # The API has no safe-contact fields: an IVNA for a known person must not undo the
    # hub's record that calling is unsafe, nor reset language and interpreter.
    PersonFactory(
        police_person_id="N-000123",
        safe_to_call=False,
        may_leave_message=True,
        first_language="pl",
        interpreter_needed=True,
    )

    response = post(
        police_api,
        ivna_payload(victim__first_language=DELETE, victim__interpreter_needed=DELETE),
    )

    assert response.status_code == 201, response.content
    person = Person.objects.get()
    assert person.safe_to_call is False
    assert person.may_leave_message is True
    assert person.first_language == "pl"
    assert person.interpreter_needed is True


@pytest.mark.django_db
def test_new_person_without_optional_answers_gets_the_defaults(police_api):
    body = ivna_payload(
        victim__first_language=DELETE,
        victim__interpreter_needed=DELETE,
        victim__date_of_birth=DELETE,
        victim__gender=DELETE,
    )

    assert post(police_api, body).status_code == 201
    person = Person.objects.get()
    assert person.first_language == "en"
    assert person.interpreter_needed is False
    assert person.safe_to_call is True
    assert person.may_leave_message is False
    assert person.date_of_birth is None
    assert person.gender == "unknown"


@pytest.mark.django_db
def test_second_victim_of_the_same_crime_gets_a_separate_case(police_api):
    first = post(police_api, ivna_payload()).json()

    second = post(
        police_api,
        ivna_payload(
            victim__police_person_id="N-000999",
            victim__first_name="Bea",
            crime__markers=["hate_crime"],
        ),
    )

    assert second.status_code == 201, second.content
    assert second.json()["victim_id"] != first["victim_id"]
    assert second.json()["case_id"] != first["case_id"]
    assert Crime.objects.count() == 1
    assert Person.objects.count() == 2
    crime = Crime.objects.get()
    assert set(crime.cases.values_list("pk", flat=True)) == {
        first["case_id"],
        second.json()["case_id"],
    }
    # Markers only ever add up.
    assert crime.markers == ["domestic_abuse", "hate_crime"]


# Earlier high-risk referral (rule H3) ---------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("days_ago", "earlier_route", "markers", "route", "rule"),
    [
        (100, "high_risk", ["domestic_abuse"], "high_risk", "H3"),
        (300, "high_risk", ["stalking_harassment"], "high_risk", "H3"),
        (400, "high_risk", ["domestic_abuse"], "hub_contact", "E1"),  # over 12 months ago
        (100, "hub_contact", ["domestic_abuse"], "hub_contact", "E1"),  # not high risk then
        (100, "high_risk", ["online_crime"], "hub_contact", "E1"),  # not a DASH crime now
    ],
)
def test_earlier_high_risk_referral_within_12_months(
    police_api, days_ago, earlier_route, markers, route, rule
):
    person = PersonFactory(police_person_id="N-000123")
    CaseFactory(
        person=person,
        route=earlier_route,
        referred_at=timezone.now() - timedelta(days=days_ago),
    )

    response = post(police_api, ivna_payload(crime__markers=markers))

    assert response.status_code == 201, response.content
    assert response.json()["route"] == route
    assert response.json()["victim_id"] == person.pk
    case = Case.objects.get(pk=response.json()["case_id"])
    assert case.ivna.triage_rules[0] == rule
    assert case.ivna.earlier_high_risk_referral is (earlier_route == "high_risk" and days_ago < 365)
    assert case.status == ("high_risk" if route == "high_risk" else "awaiting_contact")


# Victims' Code: first contact due -------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("now", "overrides", "due"),
    [
        # Thursday before Easter: Good Friday and Easter Monday are bank holidays.
        (datetime(2025, 4, 17, 11, 0, tzinfo=LONDON), {}, datetime(2025, 4, 22, 17, 0)),
        (
            datetime(2025, 4, 17, 11, 0, tzinfo=LONDON),
            {
                "assessment__priority_categories": [],
                "crime__crime_type": "burglary",
                "crime__markers": [],
            },
            datetime(2025, 4, 28, 17, 0),
        ),
        # Friday evening in winter (GMT): enhanced is due on Monday.
        (datetime(2025, 3, 7, 18, 30, tzinfo=LONDON), {}, datetime(2025, 3, 10, 17, 0)),
    ],
)
def test_contact_due_at_follows_victims_code_working_days(
    police_api, monkeypatch, now, overrides, due
):
    monkeypatch.setattr(timezone, "now", lambda: now.astimezone(ZoneInfo("UTC")))
    body = ivna_payload(**overrides)  # dates relative to the frozen now
    assert body["crime"]["offence_date"] == (now.date() - timedelta(days=2)).isoformat()

    response = post(police_api, body)

    assert response.status_code == 201, response.content
    case = Case.objects.get(pk=response.json()["case_id"])
    assert case.route == "hub_contact"
    assert case.enhanced_entitlement is (overrides == {})
    assert case.referred_at == now
    assert case.contact_due_at == due.replace(tzinfo=LONDON)
    assert timezone.localtime(case.contact_due_at).hour == 17


# Who may post ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_token_keeps_its_role_whatever_groups_its_user_joins(opcc_api, police_api):
    """A token is scoped to the role it was issued for: putting its user in another role's
    group (by mistake, in the admin) gives the token nothing more."""
    from accounts.roles import role_group

    service_user("opcc-analyst").groups.add(role_group(Role.POLICE))
    service_user("crime-system").groups.add(role_group(Role.MANAGER))

    assert post(opcc_api, ivna_payload()).status_code == 403
    assert police_api.get("/api/v1/performance/flow/").status_code == 403
    assert counts() == dict.fromkeys(counts(), 0)
    assert post(police_api, ivna_payload()).status_code == 201


@pytest.mark.django_db
@pytest.mark.parametrize("needs_support", [True, False], ids=["hub_contact", "letter_only"])
def test_a_new_victim_is_taken_in_with_a_fixed_small_number_of_queries(
    police_api, django_assert_max_num_queries, needs_support
):
    """The crime system may send a backlog: intake writes each row once (the case in its
    triaged status with both timeline rows, the letter, the scheduled work) and looks up
    only what can exist already (bench/RESULTS.md: ingest rate)."""
    post(police_api, ivna_payload())  # the first request of a connection sets it up
    body = ivna_payload(
        crime__reference="CF/20000/25", victim__police_person_id="N-000999",
        crime__markers=[], assessment__priority_categories=[], assessment__dash_risk=DELETE,
        assessment__needs_support=needs_support,
    )

    # 33 before (bench/RESULTS.md); +1: IVNA version 1; +1: an unused random case reference;
    # +2: the Victims' Code rows in one INSERT, and Right 2 met by the IVNA (rights.receivers).
    # -2: taken in as a batch of one (intake.bulk), inside the request's transaction with no
    # savepoint of its own; the letter-only route's closure is one statement more.
    with django_assert_max_num_queries(17 if needs_support else 18):
        response = post(police_api, body)

    assert response.status_code == 201, response.content
    case = Case.objects.get(pk=response.json()["case_id"])
    assert case.status == ("awaiting_contact" if needs_support else "letter_only")
    assert [(t.from_status, t.to_status) for t in case.transitions.all()] == [
        ("", "received"), ("received", case.status),
    ]
    assert case.letters.count() == 1
    assert sorted(case.scheduled.values_list("kind", flat=True)) == (
        # letter only closes by itself after the set period (contact.closures)
        ["first_contact", "send_letter"] if needs_support else ["close_case", "send_letter"]
    )


@pytest.mark.django_db
def test_opcc_token_may_not_submit(opcc_api):
    response = post(opcc_api, ivna_payload())

    assert response.status_code == 403
    assert "detail" in response.json()
    assert counts() == dict.fromkeys(counts(), 0)


@pytest.mark.django_db
def test_revoked_token_is_refused(police_api):
    revoke_api_client(client=ApiClient.objects.get(name="crime-system"))

    response = post(police_api, ivna_payload())

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert counts() == dict.fromkeys(counts(), 0)


@pytest.mark.django_db
def test_expired_token_is_refused(police_api):
    ApiClient.objects.filter(name="crime-system").update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )

    response = post(police_api, ivna_payload())

    assert response.status_code == 401
    assert counts() == dict.fromkeys(counts(), 0)


@pytest.mark.django_db
def test_staff_session_of_another_role_may_not_submit(vcc_user):
    client = APIClient(enforce_csrf_checks=False)
    client.force_login(vcc_user)

    response = post(client, ivna_payload())

    assert response.status_code == 403
    assert counts() == dict.fromkeys(counts(), 0)


# The management command -----------------------------------------------------------------


@pytest.mark.django_db
def test_create_api_client_command_prints_a_working_token():
    out, err = StringIO(), StringIO()

    call_command(
        "create_api_client", "force-crime-system", "--role", "police", stdout=out, stderr=err
    )

    lines = out.getvalue().strip().splitlines()
    key = lines[-1].strip()
    assert len(key) >= 32 and key.isalnum()
    assert key not in err.getvalue()
    client = ApiClient.objects.get(name="force-crime-system")
    assert client.role == "police"
    assert client.key_hash == hash_key(key)  # the line is the token; only its hash is kept
    assert key not in (client.key_hash, client.key_prefix)

    response = post(token_client(key), ivna_payload())
    assert response.status_code == 201, response.content
    assert Ivna.objects.get().recorded_by == client.user


@pytest.mark.django_db
def test_create_api_client_command_refuses_a_casework_role():
    with pytest.raises(CommandError):
        call_command(
            "create_api_client", "sneaky", "--role", "vcc", stdout=StringIO(), stderr=StringIO()
        )
    assert not ApiClient.objects.filter(name="sneaky").exists()
