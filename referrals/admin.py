from django.contrib import admin

from intake.models import Transfer
from referrals.models import Referral


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    """Read-only: referrals change through the case page, where each change is a service."""

    list_display = ["pk", "case", "service", "status", "sent_at", "email_sent_at"]
    list_filter = ["status", "service"]
    exclude = ["document"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Transfer)
class TransferAdmin(admin.ModelAdmin):
    list_display = ["pk", "case", "direction", "organisation", "organisation_name", "at"]
    list_filter = ["direction", "organisation", "via"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
