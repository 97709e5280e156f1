from __future__ import annotations

from rest_framework import serializers

from core.serializers import PhoneNumberField, StrictSerializer
from intake.api.serializers import CrimeSerializer, FitsInCapitals, VictimSerializer
from intake.models import Organisation, PriorityCategory
from intake.transfers import SENDERS, InboundTransfer


class SendingOrganisationSerializer(StrictSerializer):
    kind = serializers.ChoiceField(
        choices=[(o, Organisation(o).label) for o in SENDERS],
        help_text="Who sends the victim: another force, Action Fraud or British Transport "
        "Police.",
    )
    name = serializers.CharField(
        max_length=200, required=False, allow_blank=True,
        help_text="The force's name; required when kind is other_force.",
    )

    def validate(self, attrs):
        if attrs["kind"] == Organisation.OTHER_FORCE and not attrs.get("name", "").strip():
            raise serializers.ValidationError({"name": ["Give the name of the force."]})
        return attrs


class TransferCrimeSerializer(CrimeSerializer):
    """The IVNA API's crime object, without the force's crime reference (the transfer's own
    reference names it) and with the time reported optional."""

    reference = None
    reported_at = serializers.DateTimeField(
        required=False,
        help_text="When the crime was reported to the sender (ISO 8601 with a time zone).",
    )


class TransferVictimSerializer(VictimSerializer):
    """The IVNA API's victim object, without the force's own person id (the sender's ids are
    not ours), and with the victim's safe-contact answers as the sender has them."""

    police_person_id = None
    safe_to_call = serializers.BooleanField(
        required=False, help_text="Is it safe to phone the victim? Absent: unknown."
    )
    may_leave_message = serializers.BooleanField(
        required=False, help_text="May the hub leave a message? Absent: unknown."
    )
    safe_to_write = serializers.BooleanField(
        required=False,
        help_text="Is it safe to write to the victim? Optional: absent means unknown, and "
        "unknown is treated as no (issue 11).",
    )


class SenderContactSerializer(StrictSerializer):
    name = serializers.CharField(
        max_length=200, required=False, allow_blank=True,
        help_text="Name of the person or team to ask.",
    )
    # The column holds 254 characters; an address may be up to 320.
    email = serializers.EmailField(
        max_length=254, required=False, allow_blank=True, help_text="Their email address."
    )
    phone = PhoneNumberField(
        required=False, allow_blank=True,
        help_text="Their phone number, in any usual format; stored as E.164.",
    )


class TransferSerializer(StrictSerializer):
    sending_organisation = SendingOrganisationSerializer(help_text="Who sends the victim.")
    reference = serializers.CharField(
        max_length=50, validators=[FitsInCapitals(50)], help_text="The sender's reference."
    )
    crime = TransferCrimeSerializer(help_text="The crime the victim reported to the sender.")
    victim = TransferVictimSerializer(help_text="The victim, as the sender has them.")
    priority_categories = serializers.ListField(
        child=serializers.ChoiceField(choices=PriorityCategory.choices),
        required=False,
        max_length=10,
        help_text="Victims' Code priority categories the sender recorded.",
    )
    contact = SenderContactSerializer(required=False, help_text="Who to ask at the sender.")
    notes = serializers.CharField(
        max_length=4000, required=False, allow_blank=True,
        help_text="The sender's notes for the hub.",
    )

    def to_details(self) -> InboundTransfer:
        data = self.validated_data
        sender, crime, victim = data["sending_organisation"], data["crime"], data["victim"]
        contact = data.get("contact", {})
        return InboundTransfer(
            organisation=sender["kind"],
            organisation_name=sender.get("name", "").strip(),
            their_reference=data["reference"],
            crime_type=crime["crime_type"],
            offence_date=crime["offence_date"],
            reported_at=crime.get("reported_at"),
            markers=list(crime.get("markers", [])),
            priority_categories=list(data.get("priority_categories", [])),
            # Unknown is not safe to write (issue 11).
            safe_to_write=victim.get("safe_to_write") is True,
            contact_name=contact.get("name", ""),
            contact_email=contact.get("email", ""),
            contact_phone=contact.get("phone", ""),
            notes=data.get("notes", ""),
            victim=TransferVictimSerializer.details(victim),
        )


class TransferResultSerializer(serializers.Serializer):
    case_id = serializers.IntegerField(help_text="The hub's case for this transfer.")
    victim_id = serializers.IntegerField(
        help_text="The hub's person: the same for every case of the same victim."
    )
