from __future__ import annotations

from datetime import date

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.choices import District
from core.serializers import StrictQuerySerializer
from reporting.flow import FLOW_KEYS, VICTIM_KEYS
from reporting.flow_rules import LETTER_COUNTS
from reporting.returns import quarter_period
from reporting.selectors import FLOW_LABELS
from reporting.suppression import EXACT

# The last day a period may run to, as for the quarterly return (its last year is 2100).
# The end of the period is counted up to midnight after it, and 31 December 9999 has none.
LATEST_PERIOD_END = date(2100, 12, 31)


class FlowQuerySerializer(StrictQuerySerializer):
    """`?from=YYYY-MM-DD&to=YYYY-MM-DD[&district=slug]`"""

    from_ = serializers.DateField(
        help_text="First referral date in the period (inclusive)", required=True
    )
    to = serializers.DateField(help_text="Last referral date in the period (inclusive)")
    district = serializers.ChoiceField(
        choices=District.choices, required=False, help_text="Only this district's referrals"
    )

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


def _flow_fields() -> dict[str, serializers.Field]:
    """The flow's keys (reporting.flow.FLOW_KEYS, docs/flow.md): referral counts (letters for
    the letter counts), the rate, and `victims`, the unique victims of every box."""
    fields: dict[str, serializers.Field] = {
        key: _count_field(key) for key in FLOW_KEYS if key != "supported_rate"
    }
    fields["unique_victims"] = serializers.IntegerField(
        help_text="Unique victims of all the referrals (= victims.referred)."
    )
    fields["supported_rate"] = serializers.FloatField(
        allow_null=True,
        help_text=f"{FLOW_LABELS['supported_rate']}: accepted support (police IVNA) / "
        "assessed vulnerable, in referrals; null when none was assessed vulnerable.",
    )
    fields["victims"] = FlowVictimsSerializer(
        help_text="The same boxes counted in unique victims (a person once per box)."
    )
    return fields


def _count_field(key: str) -> serializers.Field:
    """An exact count (EXACT: the totals breakdowns are read against), or a count that is
    "*" where suppressed for the OPCC (docs/suppression.md)."""
    if key in EXACT:
        return serializers.IntegerField(help_text=f"{_count_help(key)} Exact for everyone.")
    return CellValueField(help_text=_count_help(key))


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
            key: CellValueField(help_text=f"Unique victims: {FLOW_LABELS[key]}.")
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
        "period_from": serializers.DateField(
            help_text="First referral date counted (inclusive)."
        ),
        "period_to": serializers.DateField(help_text="Last referral date counted (inclusive)."),
        "district": serializers.CharField(
            allow_null=True, help_text="The district asked for; null for the whole area."
        ),
        "counting_rules_version": serializers.CharField(
            help_text="Version of the counting rules (docs/flow.md); it goes up when a "
            "definition changes."
        ),
        "suppression_rule": serializers.CharField(
            allow_null=True,
            help_text="The rule the counts were suppressed by (OPCC clients); null when "
            "exact (hub staff).",
        ),
    },
)


# -- The quarterly return (GET /api/v1/returns/quarterly/) ----------------------------------


class QuarterlyReturnQuerySerializer(StrictQuerySerializer):
    """`?year=YYYY&quarter=N[&version=N]`"""

    year = serializers.IntegerField(min_value=2000, max_value=2100, help_text="e.g. 2025")
    quarter = serializers.IntegerField(
        min_value=1, max_value=4, help_text="1 = January to March, 4 = October to December"
    )
    version = serializers.IntegerField(
        min_value=1, max_value=32767, required=False,
        help_text="A stored version of the quarter (1 = final, 2... = revised); the latest "
        "when left out. A provisional quarter has none.",
    )


class BreakdownCellSerializer(serializers.Serializer):
    category = serializers.CharField(help_text="The category's slug, such as fenland.")
    label = serializers.CharField(help_text="The category's name for a reader.")
    value = CellValueField(help_text='The count, or "*" where it is suppressed.')


class BreakdownSerializer(serializers.Serializer):
    title = serializers.CharField(help_text="The breakdown's name for a reader.")
    counts = serializers.CharField(help_text="What the cells count.")
    total = CellValueField(
        help_text="The exact sum of the cells; * only when it would give a hidden cell away "
        "(a breakdown of one hidden cell; the contact outcomes when any is hidden)."
    )
    cells = BreakdownCellSerializer(many=True, help_text="One cell per category.")


class BreakdownsSerializer(serializers.Serializer):
    """The breakdowns by name, always in the same order."""

    def get_fields(self):
        fields = super().get_fields()
        for name, field in fields.items():  # each breakdown described, however many
            field.help_text = field.help_text or f"By {name.replace('_', ' ')}."
        return fields

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
        "__doc__": "The headline flow counts for the quarter, in both units, suppressed "
        "exactly as the flow API gives them to the OPCC.",
        **_flow_fields(),
    },
)


class OutcomeRateSerializer(serializers.Serializer):
    category = serializers.CharField(
        help_text="What the rate is of, e.g. a need area or `enhanced` (docs/outcomes.md)."
    )
    label = serializers.CharField(help_text="The same in words.")
    value = serializers.FloatField(
        allow_null=True,
        help_text="A share from 0 to 1, worked out from the counts shown in the breakdown; "
        "null where a count it needs is suppressed or there is nothing to divide by.",
    )


class OutcomeFigureSerializer(BreakdownSerializer):
    """An outcome figure: a breakdown (cells suppressed like the others) and its rates."""

    rates = OutcomeRateSerializer(
        many=True, help_text="Rates worked out from the counts shown (docs/outcomes.md)."
    )


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



@extend_schema_field(
    {
        "anyOf": [{"type": "number"}, {"type": "string"}],
        "nullable": True,
        "description": "A count, \"*\" where suppressed, a rate (a fraction), a counting-rules "
        "version, or null where the figure was not in that version.",
    }
)
class ChangedValueField(serializers.Field):
    def to_representation(self, value):
        return value


class ReturnVersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1, help_text="The version number: 1 = final, 2... = revised."
    )
    created_at = serializers.DateTimeField(help_text="When the version was stored.")


class ReturnChangeSerializer(serializers.Serializer):
    section = serializers.CharField(
        help_text="`flow`, `breakdowns`, ... as in the return; `rules` for a new version of "
        "the counting rules."
    )
    breakdown = serializers.CharField(help_text="`all` for a figure not broken down.")
    category = serializers.CharField(help_text="`total` for a breakdown's total.")
    from_ = ChangedValueField(help_text="In the version before.")
    to = ChangedValueField(help_text="In this version.")

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields


class QuarterlyReturnSerializer(serializers.Serializer):
    year = serializers.IntegerField(help_text="The return's year.")
    quarter = serializers.IntegerField(
        help_text="The return's quarter: 1 = January to March, 4 = October to December."
    )
    period_from = serializers.DateField(help_text="First day of the quarter.")
    period_to = serializers.DateField(help_text="Last day of the quarter.")
    status = serializers.ChoiceField(
        choices=["provisional", "final", "revised"],
        help_text="provisional: computed now, not stored, may change (the quarter has not "
        "reached its finalisation day, or the daily job has not yet run); final: version 1, "
        "stored by the daily job; revised: version 2 or later, stored when the figures "
        "changed (see changes).",
    )
    version = serializers.IntegerField(
        allow_null=True, help_text="The stored version answered; null when provisional."
    )
    versions = ReturnVersionSerializer(
        many=True, help_text="Every stored version of the quarter, oldest first."
    )
    changes = ReturnChangeSerializer(
        many=True,
        help_text="For a revision: each figure that differs from the version before. Empty "
        "for a final or provisional return.",
    )
    finalised_from = serializers.DateField(
        help_text="The day from which the daily job finalises the quarter: the configured "
        "number of working days after it ends."
    )
    provisional = serializers.BooleanField(help_text='The same as status "provisional".')
    counting_rules_version = serializers.CharField(
        help_text="Version of the counting rules the figures follow (docs/flow.md)."
    )
    suppression_rule = serializers.CharField(
        help_text="How small counts are suppressed, in words."
    )
    generated_at = serializers.DateTimeField(help_text="When these figures were computed.")
    flow = ReturnFlowSerializer(help_text="The flow counts for the quarter.")
    breakdowns = BreakdownsSerializer(help_text="The quarter's referrals broken down.")
    outcomes = OutcomesSerializer(
        help_text="What came of the hub's work in the quarter, suppressed like the breakdowns."
    )
