from __future__ import annotations

import threading
from datetime import date

from rest_framework import serializers
from rest_framework.settings import api_settings

from cases.choices import CrimeType, Ethnicity, Gender, Marker, Route
from core.choices import District
from core.serializers import PhoneNumberField, StrictSerializer
from intake.checks import EARLIEST_DATE
from intake.matching import CrimeDetails, VictimDetails
from intake.models import DashRisk, PriorityCategory
from intake.services import AssessmentAnswers, IvnaSubmission


def real_offence_date(value: date) -> None:
    # The browser's form takes four-digit years only; a year such as 0001 made the
    # repeat-victim rule (a year before the offence) overflow into a server error.
    if value < EARLIEST_DATE:
        raise serializers.ValidationError("Enter a real date, on or after 1 January 1900.")


class FitsInCapitals:
    """The value still fits its column once put in capitals, as references and postcodes are
    stored: "ß".upper() is "SS", "ﬃ".upper() is "FFI", and a longer value was a server error
    from the database instead of a message."""

    def __init__(self, max_length: int) -> None:
        self.max_length = max_length

    def __call__(self, value: str) -> None:
        if len(value.strip().upper()) > self.max_length:
            raise serializers.ValidationError(
                f"Ensure this field has no more than {self.max_length} characters "
                "in capitals."
            )


class CrimeSerializer(StrictSerializer):
    reference = serializers.CharField(
        max_length=50, validators=[FitsInCapitals(50)],
        help_text="The force's crime reference, such as CF/12345/25 (stored in capitals). "
        "With police_person_id it names the IVNA: the same pair again is a retry or an "
        "amendment.",
    )
    crime_type = serializers.ChoiceField(
        choices=CrimeType.choices,
        help_text="Home Office main crime type as a slug; anti_social_behaviour and "
        "road_traffic_collision for non-crime incidents.",
    )
    offence_date = serializers.DateField(
        validators=[real_offence_date],
        help_text="Date of the offence (YYYY-MM-DD), not in the future.",
    )
    reported_at = serializers.DateTimeField(
        help_text="When the crime was reported to the police (ISO 8601 with a time zone)."
    )
    markers = serializers.ListField(
        child=serializers.ChoiceField(choices=Marker.choices), required=False, max_length=20,
        help_text="Vulnerability markers on the crime record; some (such as domestic_abuse) "
        "make it a serious crime and so give enhanced entitlement.",
    )


class AddressSerializer(StrictSerializer):
    line1 = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="First line of the address."
    )
    line2 = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="Second line of the address."
    )
    town = serializers.CharField(
        max_length=100, required=False, allow_blank=True, help_text="Town or city."
    )
    postcode = serializers.CharField(
        max_length=10, required=False, allow_blank=True, validators=[FitsInCapitals(10)],
        help_text="UK postcode (stored in capitals).",
    )


class VictimSerializer(StrictSerializer):
    police_person_id = serializers.CharField(
        max_length=50,
        help_text="The force's own id for the person, so the hub sees their earlier cases.",
    )
    first_name = serializers.CharField(max_length=100, help_text="Given name.")
    last_name = serializers.CharField(max_length=100, help_text="Family name.")
    date_of_birth = serializers.DateField(
        required=False, allow_null=True,
        help_text="Date of birth (YYYY-MM-DD); a victim under 18 counts as vulnerable.",
    )
    gender = serializers.ChoiceField(
        choices=Gender.choices, required=False, help_text="Gender as the victim gave it."
    )
    ethnicity = serializers.ChoiceField(
        choices=Ethnicity.choices, required=False,
        help_text="Ethnicity as the victim gave it (census groups).",
    )
    nationality = serializers.CharField(
        max_length=60, required=False, allow_blank=True, help_text="Nationality, as free text."
    )
    phone = PhoneNumberField(
        required=False, allow_blank=True,
        help_text="Phone number the hub may call, in any usual format (07700 900123, "
        "+44 7700 900123); stored and returned as E.164 (+447700900123).",
    )
    # The column holds 254 characters; an address may be up to 320.
    email = serializers.EmailField(
        max_length=254, required=False, allow_blank=True,
        help_text="Email address the hub may write to.",
    )
    address = AddressSerializer(required=False, help_text="Postal address.")
    district = serializers.ChoiceField(
        choices=District.choices,
        help_text="District of Cambridgeshire or Peterborough the victim lives in.",
    )
    first_language = serializers.RegexField(
        r"^[a-z]{2,3}$", max_length=3, required=False,
        error_messages={"invalid": "Give the language as an ISO 639 code, such as 'en'."},
        help_text="First language as an ISO 639 code in lower case, such as en or pl.",
    )
    # No defaults: what is left out does not overwrite a known person's record.
    interpreter_needed = serializers.BooleanField(
        required=False,
        help_text="Does the victim need an interpreter? Absent: unknown (a known person's "
        "record keeps what it says).",
    )

    @staticmethod
    def details(victim: dict) -> VictimDetails:
        """The victim as the intake services take it, from this serializer's (or a
        subclass's) validated data: what was left out stays unsaid (None or blank)."""
        address = victim.get("address", {})
        return VictimDetails(
            police_person_id=victim.get("police_person_id", "").strip(),
            first_name=victim["first_name"],
            last_name=victim["last_name"],
            date_of_birth=victim.get("date_of_birth"),
            gender=victim.get("gender", Gender.UNKNOWN),
            ethnicity=victim.get("ethnicity", Ethnicity.UNKNOWN),
            nationality=victim.get("nationality", ""),
            phone=victim.get("phone", ""),
            email=victim.get("email", ""),
            address_line1=address.get("line1", ""),
            address_line2=address.get("line2", ""),
            town=address.get("town", ""),
            postcode=address.get("postcode", ""),
            district=victim["district"],
            first_language=victim.get("first_language", ""),
            interpreter_needed=victim.get("interpreter_needed"),
            safe_to_call=victim.get("safe_to_call"),
            may_leave_message=victim.get("may_leave_message"),
        )


class AssessmentSerializer(StrictSerializer):
    priority_categories = serializers.ListField(
        child=serializers.ChoiceField(choices=PriorityCategory.choices),
        required=False,
        max_length=10,
        help_text="Victims' Code priority categories the officer ticked (enhanced "
        "entitlement).",
    )
    dash_risk = serializers.ChoiceField(
        choices=DashRisk.choices, required=False,
        help_text="DASH risk level, where a DASH was done (domestic abuse, stalking, "
        "harassment). high routes the victim to MASH / Public Protection.",
    )
    dash_yes_count = serializers.IntegerField(
        min_value=0, max_value=27, required=False,
        help_text="Number of yes answers on the DASH; 14 or more is high risk.",
    )
    supported_elsewhere = serializers.BooleanField(
        required=False, default=False,
        help_text="Is the victim already supported by another service? Default false.",
    )
    needs_support = serializers.BooleanField(
        help_text="The officer's professional judgement: does this victim need support?"
    )
    mash_referral = serializers.BooleanField(
        required=False, default=False,
        help_text="Has the officer referred the victim to the Multi-Agency Safeguarding Hub "
        "or Public Protection? Default false; true routes the case high risk.",
    )
    # No defaults: a safety answer left out is unknown, and unknown is treated as no
    # (issue 11). The IVNA keeps it as not given (None).
    safe_to_write = serializers.BooleanField(
        required=False,
        help_text="Is it safe to write to the victim? Optional: absent means unknown, and "
        "unknown is treated as no (the hub does not write).",
    )
    consent_to_contact = serializers.BooleanField(
        required=False,
        help_text="Does the victim agree to be contacted by the hub? Optional: absent means "
        "unknown, and unknown is treated as no (the hub does not phone or write; the case is "
        "recorded and closed, counted as declined_at_ivna).",
    )
    notes = serializers.CharField(
        max_length=4000, required=False, allow_blank=True,
        help_text="The officer's notes for the hub.",
    )


class IvnaSerializer(StrictSerializer):
    crime = CrimeSerializer(help_text="The crime (or incident) reported.")
    victim = VictimSerializer(help_text="The victim: who they are and how to reach them.")
    assessment = AssessmentSerializer(help_text="The officer's answers to the IVNA.")

    def to_submission(self) -> IvnaSubmission:
        return self.submission(self.validated_data)

    @staticmethod
    def submission(data: dict) -> IvnaSubmission:
        """The IVNA as the intake services take it, from this serializer's validated data."""
        crime, victim, answers = data["crime"], data["victim"], data["assessment"]
        return IvnaSubmission(
            crime=CrimeDetails(
                reference=crime["reference"].strip().upper(),
                crime_type=crime["crime_type"],
                offence_date=crime["offence_date"],
                reported_at=crime["reported_at"],
                markers=list(crime.get("markers", [])),
            ),
            victim=VictimSerializer.details(victim),
            assessment=AssessmentAnswers(
                needs_support=answers["needs_support"],
                priority_categories=list(answers.get("priority_categories", [])),
                dash_risk=answers.get("dash_risk", ""),
                dash_yes_count=answers.get("dash_yes_count"),
                supported_elsewhere=answers.get("supported_elsewhere", False),
                mash_referral=answers.get("mash_referral", False),
                safe_to_write=answers.get("safe_to_write"),
                consent_to_contact=answers.get("consent_to_contact"),
                notes=answers.get("notes", ""),
            ),
        )


_checkers = threading.local()


def _checker() -> IvnaSerializer:
    """This thread's IvnaSerializer for checking bodies: its fields are built once (a deep
    copy of every declared field, most of a serializer's cost for a small body), not once a
    request. `run_validation` keeps nothing between bodies; one a thread, as a web worker
    may run threads."""
    checker = getattr(_checkers, "serializer", None)
    if checker is None:
        checker = _checkers.serializer = IvnaSerializer()
    return checker


def validate_ivnas(items: list) -> list[IvnaSubmission | dict]:
    """Each item (a batch's, or the single endpoint's one body) checked as IvnaSerializer
    checks it: its submission, or its errors, the same messages for the same fields. One
    serializer checks them all, as DRF's ListSerializer does with its child, so its fields
    are built once and not once an item."""
    checker = _checker()
    checked: list[IvnaSubmission | dict] = []
    for item in items:
        try:
            data = checker.run_validation(item)
        except serializers.ValidationError as error:
            checked.append(error.detail if isinstance(error.detail, dict) else {
                api_settings.NON_FIELD_ERRORS_KEY: error.detail})
        else:
            checked.append(IvnaSerializer.submission(data))
    return checked


class IvnaResultSerializer(serializers.Serializer):
    case_id = serializers.IntegerField(help_text="The hub's case for this IVNA.")
    victim_id = serializers.IntegerField(
        help_text="The hub's person: the same for every case of the same victim."
    )
    route = serializers.ChoiceField(
        choices=Route.choices,
        help_text="The route triage gave: high_risk (managed by MASH / Public Protection), "
        "hub_contact (the hub phones) or letter_only.",
    )
    amended = serializers.BooleanField(
        required=False,
        help_text="Present (true) when the IVNA was sent again with different answers: "
        "stored as a new version of the case's IVNA.",
    )


class IvnaBatchItemResultSerializer(serializers.Serializer):
    """One item's answer in a batch: the single endpoint's answer with its status inside."""

    status = serializers.ChoiceField(
        choices=[201, 200, 400],
        help_text="201: case opened; 200: already received (or amended); 400: refused.",
    )
    case_id = serializers.IntegerField(
        required=False, help_text="With status 201 or 200: the hub's case for this IVNA."
    )
    victim_id = serializers.IntegerField(
        required=False, help_text="With status 201 or 200: the hub's record of the victim."
    )
    route = serializers.ChoiceField(
        choices=Route.choices, required=False,
        help_text="With status 201 or 200: the route the triage gave (after an amendment, "
        "the case's route now).",
    )
    amended = serializers.BooleanField(
        required=False, help_text="Present and true when the IVNA was an amendment."
    )
    errors = serializers.DictField(
        required=False, help_text="With status 400: a message per field at fault."
    )
