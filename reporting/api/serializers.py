from __future__ import annotations

from datetime import date

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.choices import District
from core.serializers import StrictQuerySerializer

# The last day a period may run to, as for the quarterly return (its last year is 2100).
# The end of the period is counted up to midnight after it, and 31 December 9999 has none.
LATEST_PERIOD_END = date(2100, 12, 31)


class FlowQuerySerializer(StrictQuerySerializer):
    """`?from=YYYY-MM-DD&to=YYYY-MM-DD[&district=slug]`"""

    from_ = serializers.DateField(
        help_text="First referral date in the period (inclusive)", required=True
    )
    to = serializers.DateField(help_text="Last referral date in the period (inclusive)")
    district = serializers.ChoiceField(choices=District.choices, required=False)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields

    def validate(self, attrs):
        if attrs["from"] > attrs["to"]:
            raise serializers.ValidationError(
                {"to": ["The end of the period is before its start."]}
            )
        if attrs["to"] > LATEST_PERIOD_END:
            raise serializers.ValidationError(
                {"to": ["Ask for a period that ends in 2100 or before."]}
            )
        if (attrs["to"] - attrs["from"]).days > 3660:
            raise serializers.ValidationError({"to": ["Ask for ten years or less."]})
        return attrs


class FlowSerializer(serializers.Serializer):
    referred = serializers.IntegerField()
    unique_victims = serializers.IntegerField()
    letter_only = serializers.IntegerField()
    responded_to_letter = serializers.IntegerField()
    high_risk = serializers.IntegerField()
    declined_at_ivna = serializers.IntegerField(
        help_text="Declined contact at the IVNA (or not asked): not contacted by the hub, "
        "closed at intake. High-risk victims stay in high_risk."
    )
    vulnerable = serializers.IntegerField()
    supported_elsewhere = serializers.IntegerField()
    awaiting_contact = serializers.IntegerField()
    no_contact = serializers.IntegerField()
    contacted = serializers.IntegerField()
    declined = serializers.IntegerField()
    signposted = serializers.IntegerField()
    accepted = serializers.IntegerField()
    self_referred = serializers.IntegerField()
    letters_sent = serializers.IntegerField()
    supported_rate = serializers.FloatField(allow_null=True)
    # Context of the figures.
    period_from = serializers.DateField()
    period_to = serializers.DateField()
    district = serializers.CharField(allow_null=True)
    counting_rules_version = serializers.CharField()


# -- The quarterly return (GET /api/v1/returns/quarterly/) ----------------------------------


class QuarterlyReturnQuerySerializer(StrictQuerySerializer):
    """`?year=YYYY&quarter=N`"""

    year = serializers.IntegerField(min_value=2000, max_value=2100)
    quarter = serializers.IntegerField(
        min_value=1, max_value=4, help_text="1 = January to March, 4 = October to December"
    )


@extend_schema_field(
    {
        "oneOf": [
            {"type": "integer", "minimum": 0},
            {"type": "string", "enum": ["*"], "description": "Suppressed (see suppression_rule)"},
        ]
    }
)
class CellValueField(serializers.Field):
    """A count, or "*" where it is suppressed."""

    def to_representation(self, value):
        return value


class BreakdownCellSerializer(serializers.Serializer):
    category = serializers.CharField()
    label = serializers.CharField()
    value = CellValueField()


class BreakdownSerializer(serializers.Serializer):
    title = serializers.CharField()
    counts = serializers.CharField(help_text="What the cells count.")
    total = serializers.IntegerField(help_text="The exact sum of the cells.")
    cells = BreakdownCellSerializer(many=True)


class BreakdownsSerializer(serializers.Serializer):
    """The breakdowns by name, always in the same order."""

    crime_type = BreakdownSerializer()
    district = BreakdownSerializer()
    age_band = BreakdownSerializer()
    gender = BreakdownSerializer()
    ethnicity = BreakdownSerializer()
    need_area = BreakdownSerializer()
    referral_destination = BreakdownSerializer()
    outcome = BreakdownSerializer()
    contact_outcome = BreakdownSerializer()


class ReturnFlowSerializer(serializers.Serializer):
    """The headline flow counts for the quarter: exact, never suppressed."""

    referred = serializers.IntegerField()
    unique_victims = serializers.IntegerField()
    letter_only = serializers.IntegerField()
    responded_to_letter = serializers.IntegerField()
    high_risk = serializers.IntegerField()
    declined_at_ivna = serializers.IntegerField(
        help_text="Declined contact at the IVNA (or not asked): not contacted by the hub, "
        "closed at intake. High-risk victims stay in high_risk."
    )
    vulnerable = serializers.IntegerField()
    supported_elsewhere = serializers.IntegerField()
    awaiting_contact = serializers.IntegerField()
    no_contact = serializers.IntegerField()
    contacted = serializers.IntegerField()
    declined = serializers.IntegerField()
    signposted = serializers.IntegerField()
    accepted = serializers.IntegerField()
    self_referred = serializers.IntegerField()
    letters_sent = serializers.IntegerField()
    supported_rate = serializers.FloatField(allow_null=True)


class QuarterlyReturnSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    quarter = serializers.IntegerField()
    period_from = serializers.DateField()
    period_to = serializers.DateField()
    provisional = serializers.BooleanField(
        help_text="True for the current or a future quarter: the figures may still change. "
        "An ended quarter's return is stored when first asked for and never changes."
    )
    counting_rules_version = serializers.CharField()
    suppression_rule = serializers.CharField()
    generated_at = serializers.DateTimeField()
    flow = ReturnFlowSerializer()
    breakdowns = BreakdownsSerializer()
