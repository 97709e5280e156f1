from __future__ import annotations

from datetime import date

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.choices import District
from core.serializers import StrictQuerySerializer
from reporting.returns import quarter_period

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
        if self.context.get("whole_quarters_only"):
            self._one_whole_quarter(attrs)
        return attrs

    @staticmethod
    def _one_whole_quarter(attrs) -> None:
        """Suppressed figures (the OPCC) are for one whole calendar quarter and the whole area,
        as in the quarterly return: a shorter, longer, shifted or per-district period could be
        set against another to work out a hidden count (docs/suppression.md)."""
        start = attrs["from"]
        quarter = (start.month - 1) // 3 + 1
        whole = quarter_period(start.year, quarter)
        errors: dict[str, list[str]] = {}
        if start != whole.start:
            errors["from"] = [
                "Ask for one whole calendar quarter: from 1 January, 1 April, 1 July or "
                "1 October."
            ]
        elif attrs["to"] != whole.end:
            errors["to"] = [
                f"Ask for one whole calendar quarter: to the last day of the quarter that "
                f"starts on {whole.start.isoformat()} ({whole.end.isoformat()})."
            ]
        if attrs.get("district"):
            errors["district"] = [
                "Figures for the OPCC are for the whole area: leave out district."
            ]
        if errors:
            raise serializers.ValidationError(errors)


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


class FlowCountsSerializer(serializers.Serializer):
    """The flow's counts: exact for hub staff; for the OPCC suppressed as in the quarterly
    return (a count is then an integer or "*"; docs/suppression.md)."""

    referred = serializers.IntegerField(help_text="Exact for everyone.")
    unique_victims = serializers.IntegerField(help_text="Exact for everyone.")
    letter_only = CellValueField()
    responded_to_letter = CellValueField()
    high_risk = CellValueField()
    declined_at_ivna = CellValueField(
        help_text="Declined contact at the IVNA (or not asked): not contacted by the hub, "
        "closed at intake. High-risk victims stay in high_risk."
    )
    vulnerable = CellValueField()
    supported_elsewhere = CellValueField()
    awaiting_contact = CellValueField()
    no_contact = CellValueField()
    contacted = CellValueField()
    declined = CellValueField()
    signposted = CellValueField()
    accepted = CellValueField()
    self_referred = CellValueField()
    letters_sent = serializers.IntegerField(help_text="Exact for everyone.")
    supported_rate = serializers.FloatField(
        allow_null=True,
        help_text="accepted / vulnerable; null when vulnerable is 0, or when either count is "
        "suppressed (it would give the hidden one away).",
    )


class FlowSerializer(FlowCountsSerializer):
    # Context of the figures.
    period_from = serializers.DateField()
    period_to = serializers.DateField()
    district = serializers.CharField(allow_null=True)
    counting_rules_version = serializers.CharField()
    suppression_rule = serializers.CharField(
        allow_null=True,
        help_text="The rule the counts were suppressed by (OPCC clients); null when exact "
        "(hub staff).",
    )


# -- The quarterly return (GET /api/v1/returns/quarterly/) ----------------------------------


class QuarterlyReturnQuerySerializer(StrictQuerySerializer):
    """`?year=YYYY&quarter=N`"""

    year = serializers.IntegerField(min_value=2000, max_value=2100)
    quarter = serializers.IntegerField(
        min_value=1, max_value=4, help_text="1 = January to March, 4 = October to December"
    )


class BreakdownCellSerializer(serializers.Serializer):
    category = serializers.CharField()
    label = serializers.CharField()
    value = CellValueField()


class BreakdownSerializer(serializers.Serializer):
    title = serializers.CharField()
    counts = serializers.CharField(help_text="What the cells count.")
    total = CellValueField(
        help_text="The exact sum of the cells; * only when it would give a hidden cell away "
        "(a breakdown of one hidden cell; the contact outcomes when any is hidden)."
    )
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


class ReturnFlowSerializer(FlowCountsSerializer):
    """The headline flow counts for the quarter, suppressed exactly as the flow API gives them
    to the OPCC."""


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
