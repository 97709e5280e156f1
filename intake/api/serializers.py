from __future__ import annotations

from datetime import date

from rest_framework import serializers

from cases.choices import CrimeType, Ethnicity, Gender, Marker, Route
from core.choices import District
from core.serializers import StrictSerializer
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
    reference = serializers.CharField(max_length=50, validators=[FitsInCapitals(50)])
    crime_type = serializers.ChoiceField(choices=CrimeType.choices)
    offence_date = serializers.DateField(validators=[real_offence_date])
    reported_at = serializers.DateTimeField()
    markers = serializers.ListField(
        child=serializers.ChoiceField(choices=Marker.choices), required=False, max_length=20
    )


class AddressSerializer(StrictSerializer):
    line1 = serializers.CharField(max_length=200, required=False, allow_blank=True)
    line2 = serializers.CharField(max_length=200, required=False, allow_blank=True)
    town = serializers.CharField(max_length=100, required=False, allow_blank=True)
    postcode = serializers.CharField(
        max_length=10, required=False, allow_blank=True, validators=[FitsInCapitals(10)]
    )


class VictimSerializer(StrictSerializer):
    police_person_id = serializers.CharField(max_length=50)
    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    gender = serializers.ChoiceField(choices=Gender.choices, required=False)
    ethnicity = serializers.ChoiceField(choices=Ethnicity.choices, required=False)
    nationality = serializers.CharField(max_length=60, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    # The column holds 254 characters; an address may be up to 320.
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    address = AddressSerializer(required=False)
    district = serializers.ChoiceField(choices=District.choices)
    first_language = serializers.RegexField(
        r"^[a-z]{2,3}$", max_length=3, required=False,
        error_messages={"invalid": "Give the language as an ISO 639 code, such as 'en'."},
    )
    # No defaults: what is left out does not overwrite a known person's record.
    interpreter_needed = serializers.BooleanField(required=False)

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
    )
    dash_risk = serializers.ChoiceField(choices=DashRisk.choices, required=False)
    dash_yes_count = serializers.IntegerField(min_value=0, max_value=27, required=False)
    supported_elsewhere = serializers.BooleanField(required=False, default=False)
    needs_support = serializers.BooleanField()
    mash_referral = serializers.BooleanField(required=False, default=False)
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
    notes = serializers.CharField(max_length=4000, required=False, allow_blank=True)


class IvnaSerializer(StrictSerializer):
    crime = CrimeSerializer()
    victim = VictimSerializer()
    assessment = AssessmentSerializer()

    def to_submission(self) -> IvnaSubmission:
        data = self.validated_data
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


class IvnaResultSerializer(serializers.Serializer):
    case_id = serializers.IntegerField()
    victim_id = serializers.IntegerField()
    route = serializers.ChoiceField(choices=Route.choices)
    amended = serializers.BooleanField(
        required=False,
        help_text="Present (true) when the IVNA was sent again with different answers: "
        "stored as a new version of the case's IVNA.",
    )
