from django.contrib import admin

from directory.models import SupportService


@admin.register(SupportService)
class SupportServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "commissioned_by_pcc", "national", "active"]
    list_filter = ["commissioned_by_pcc", "national", "active"]
    search_fields = ["name"]
