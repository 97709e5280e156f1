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


class OutcomeRateSerializer(serializers.Serializer):
    category = serializers.CharField()
    label = serializers.CharField()
    value = serializers.FloatField(
        allow_null=True,
        help_text="A share from 0 to 1, worked out from the counts shown in the breakdown; "
        "null where a count it needs is suppressed or there is nothing to divide by.",
    )


class OutcomeFigureSerializer(BreakdownSerializer):
    """An outcome figure: a breakdown (cells suppressed like the others) and its rates."""

    rates = OutcomeRateSerializer(many=True)


class OutcomesSerializer(serializers.Serializer):
    """What came of the hub's work in the quarter (reporting.outcomes); each figure's
    `counts` says what it counts and by which date the quarter is taken."""

    closure_outcomes = OutcomeFigureSerializer(
        help_text="Areas of need at closure by outcome (cope and recover), by closure date."
    )
    distance_travelled = OutcomeFigureSerializer(
        help_text="Areas of need by the move from the first to the last DVNA of a support "
        "episode, for episodes closed in the quarter."
    )
    survey_helped_to_cope = OutcomeFigureSerializer(
        help_text="Satisfaction survey by the date of the answers: helped to cope?"
    )
    survey_treated_with_respect = OutcomeFigureSerializer(
        help_text="Satisfaction survey by the date of the answers: treated with respect (1-5)."
    )
    survey_would_recommend = OutcomeFigureSerializer(
        help_text="Satisfaction survey by the date of the answers: would recommend the hub?"
    )
    referral_outcomes = OutcomeFigureSerializer(
        help_text="Referrals on to services by service and status, by the date sent."
    )
    first_contact = OutcomeFigureSerializer(
        help_text="First contact within the Victims' Code timescale, enhanced or standard, "
        "for the quarter's referrals."
    )
    report_to_referral = OutcomeFigureSerializer(
        help_text="Days from the crime's report to the police to the referral, for the "
        "quarter's referrals."
    )


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
    outcomes = OutcomesSerializer()
