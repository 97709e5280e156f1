from __future__ import annotations

from rest_framework import serializers

from cases.choices import District


class FlowQuerySerializer(serializers.Serializer):
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
        if (attrs["to"] - attrs["from"]).days > 3660:
            raise serializers.ValidationError({"to": ["Ask for ten years or less."]})
        return attrs


class FlowSerializer(serializers.Serializer):
    referred = serializers.IntegerField()
    unique_victims = serializers.IntegerField()
    letter_only = serializers.IntegerField()
    responded_to_letter = serializers.IntegerField()
    high_risk = serializers.IntegerField()
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
