from django.contrib import admin

from volunteers.models import Volunteer, VolunteerAllocation, VolunteerHours


@admin.register(Volunteer)
class VolunteerAdmin(admin.ModelAdmin):
    list_display = ("user", "hours_per_week", "accreditation_expires_on", "available", "active")
    list_filter = ("active", "available")
    search_fields = ("user__username", "user__first_name", "user__last_name")
    raw_id_fields = ("user",)


@admin.register(VolunteerAllocation)
class VolunteerAllocationAdmin(admin.ModelAdmin):
    list_display = ("volunteer", "case", "allocated_at", "active", "ended_at")
    list_filter = ("active",)
    raw_id_fields = ("case", "volunteer", "allocated_by", "ended_by")


@admin.register(VolunteerHours)
class VolunteerHoursAdmin(admin.ModelAdmin):
    list_display = ("allocation", "date", "hours", "logged_by")
    raw_id_fields = ("allocation", "logged_by")
