from __future__ import annotations

from datetime import date

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.choices import District
from core.serializers import StrictQuerySerializer
from reporting.flow import FLOW_KEYS, VICTIM_KEYS
from reporting.flow_rules import LETTER_COUNTS
from reporting.selectors import FLOW_LABELS

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


def _flow_fields() -> dict[str, serializers.Field]:
    """The flow's keys (reporting.flow.FLOW_KEYS, docs/flow.md): referral counts (letters for
    the letter counts), the rate, and `victims`, the unique victims of every box."""
    fields: dict[str, serializers.Field] = {
        key: serializers.IntegerField(help_text=_count_help(key))
        for key in FLOW_KEYS if key != "supported_rate"
    }
    fields["unique_victims"] = serializers.IntegerField(
        help_text="Unique victims of all the referrals (= victims.referred)."
    )
    fields["supported_rate"] = serializers.FloatField(
        allow_null=True,
        help_text="Accepted support (police IVNA) / assessed vulnerable, in referrals; "
        "null when none was assessed vulnerable.",
    )
    fields["victims"] = FlowVictimsSerializer(
        help_text="The same boxes counted in unique victims (a person once per box)."
    )
    return fields


def _count_help(key: str) -> str:
    unit = "Letters" if key in LETTER_COUNTS else "Referrals"
    return f"{unit}: {FLOW_LABELS[key]} (docs/flow.md)."


FlowVictimsSerializer = type(
    "FlowVictimsSerializer",
    (serializers.Serializer,),
    {
        "__module__": __name__,
        "__doc__": "Unique victims of every box of the flow.",
        **{
            key: serializers.IntegerField(help_text=f"Unique victims: {FLOW_LABELS[key]}.")
            for key in VICTIM_KEYS
        },
        "supported_rate": serializers.FloatField(
            allow_null=True,
            help_text="Victims who accepted support (police IVNA) / victims assessed "
            "vulnerable.",
        ),
    },
)

FlowSerializer = type(
    "FlowSerializer",
    (serializers.Serializer,),
    {
        "__module__": __name__,
        "__doc__": "The hub flow for a period and optional district.",
        **_flow_fields(),
        # Context of the figures.
        "period_from": serializers.DateField(),
        "period_to": serializers.DateField(),
        "district": serializers.CharField(allow_null=True),
        "counting_rules_version": serializers.CharField(),
    },
)


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


ReturnFlowSerializer = type(
    "ReturnFlowSerializer",
    (serializers.Serializer,),
    {
        "__module__": __name__,
        "__doc__": "The headline flow counts for the quarter, in both units: exact, never "
        "suppressed.",
        **_flow_fields(),
    },
)


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
