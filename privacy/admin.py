from django.contrib import admin

from privacy.models import (
    AnonymisedCase,
    AnonymisedPerson,
    DataSubjectRequest,
    LegalHold,
    RetentionRule,
    RetentionRun,
)


@admin.register(RetentionRule)
class RetentionRuleAdmin(admin.ModelAdmin):
    """The schedule's criteria are edited here; managers change periods on the schedule page."""

    list_display = ["priority", "name", "years", "updated_at"]
    ordering = ["priority"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by the privacy services only: each is a record of what was done."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LegalHold)
class LegalHoldAdmin(ReadOnlyAdmin):
    list_display = ["pk", "case", "person", "reason", "placed_at", "lifted_at"]
    list_filter = ["reason"]


@admin.register(DataSubjectRequest)
class DataSubjectRequestAdmin(ReadOnlyAdmin):
    list_display = ["pk", "kind", "person", "by", "at", "decision"]
    list_filter = ["kind", "decision"]


@admin.register(AnonymisedCase)
class AnonymisedCaseAdmin(ReadOnlyAdmin):
    list_display = ["case", "anonymised_at", "because", "rule"]
    list_filter = ["because"]


@admin.register(AnonymisedPerson)
class AnonymisedPersonAdmin(ReadOnlyAdmin):
    list_display = ["person", "anonymised_at", "because"]


@admin.register(RetentionRun)
class RetentionRunAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "due", "cases_anonymised", "people_anonymised", "held"]
