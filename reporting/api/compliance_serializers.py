"""The compliance return's shape in the OpenAPI schema (GET /api/v1/returns/compliance/;
reporting.compliance_return, docs/compliance-return.md)."""

from __future__ import annotations

from rest_framework import serializers

from reporting.api.serializers import (
    BreakdownCellSerializer,
    CellValueField,
    QuarterlyReturnSerializer,
)


class ComplianceRightSerializer(serializers.Serializer):
    title = serializers.CharField(help_text="The right, in the Code's words.")
    delivered_by = serializers.CharField(help_text="Who delivers it (rights.rules).")
    counts = serializers.CharField(help_text="What the figure counts.")
    total = CellValueField(
        help_text="Referrals to whom the right began to apply in the quarter; * from 1 to 4."
    )
    cells = BreakdownCellSerializer(
        many=True,
        help_text="on_time, late, declined, missed, not_recorded: they add up to the total.",
    )


class ComplianceGroupSerializer(serializers.Serializer):
    title = serializers.CharField(help_text="The category, such as a crime type.")
    total = CellValueField(help_text="Referrals of the category to whom the right applied.")
    cells = BreakdownCellSerializer(many=True, help_text="The same five outcomes.")


class ComplianceBreakdownSerializer(serializers.Serializer):
    """One breakdown: for each right (`right_1` ... `right_12`), each category's outcomes."""

    title = serializers.CharField(help_text="The breakdown's name for a reader.")

    def to_representation(self, instance):
        body = {"title": instance["title"]}
        group = ComplianceGroupSerializer()
        for key, groups in instance.items():
            if key != "title":
                body[key] = {cat: group.to_representation(g) for cat, g in groups.items()}
        return body


class FeedbackSerializer(serializers.Serializer):
    title = serializers.CharField(help_text="The survey question.")
    right = serializers.CharField(required=False, help_text="The right it speaks to.")
    right_title = serializers.CharField(required=False, help_text="The right in words.")
    total = CellValueField(help_text="Answers in the quarter.")
    cells = BreakdownCellSerializer(many=True, help_text="One cell per answer.")


class SurveySerializer(serializers.Serializer):
    """The satisfaction survey, by the date answered, each question with the right it speaks
    to (rights.compliance.SURVEY_RIGHTS)."""

    responses = FeedbackSerializer(help_text="Surveys: answered or declined.")
    treated_with_respect = FeedbackSerializer(help_text="Right 1.")
    helped_to_cope = FeedbackSerializer(help_text="Right 4.")
    would_recommend = FeedbackSerializer(help_text="Right 4.")


class ComplaintFigureSerializer(serializers.Serializer):
    title = serializers.CharField(help_text="What the figure counts.")
    total = CellValueField(
        help_text="The complaints the cells split, as the title says; * from 1 to 4."
    )
    cells = BreakdownCellSerializer(many=True, help_text="The complaints, split as the title says.")


class ComplaintsSerializer(serializers.Serializer):
    """The complaints log (Right 12), by the date received."""

    right = serializers.CharField(help_text="right_12.")
    right_title = serializers.CharField(help_text="Right 12 in the Code's words.")
    answered = ComplaintFigureSerializer(help_text="Answered or still open.")
    answered_in_time = ComplaintFigureSerializer(
        help_text="Of those answered: within the hub's time or late."
    )
    acknowledged = ComplaintFigureSerializer(
        help_text="Acknowledged within the hub's time, late, or not yet."
    )
    outcomes = ComplaintFigureSerializer(help_text="Upheld, partly upheld, not upheld, withdrawn.")
    about_right = ComplaintFigureSerializer(
        help_text="The right each complaint is about, or the hub's service."
    )


class ComplianceReturnSerializer(serializers.Serializer):
    """The Victims' Code compliance return: the quarterly return's status, versions and rules
    fields, then the rights, the breakdowns, the victims' feedback and the complaints."""

    def get_fields(self):
        fields = {
            name: field for name, field in QuarterlyReturnSerializer().get_fields().items()
            if name not in ("flow", "breakdowns", "outcomes")
        }
        fields["rights"] = serializers.DictField(
            child=ComplianceRightSerializer(),
            help_text="right_1 to right_12: to whom it applied, and what was recorded.",
        )
        fields["breakdowns"] = serializers.DictField(
            child=ComplianceBreakdownSerializer(),
            help_text="By crime type, enhanced entitlement, gender, age band, ethnicity, "
            "disability, religion and sexual orientation.",
        )
        fields["survey"] = SurveySerializer(help_text="The victims' own feedback.")
        fields["complaints"] = ComplaintsSerializer(help_text="Complaints to the hub (Right 12).")
        return fields
