from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from accounts.models import ApiClient, User


@admin.register(User)
class HubUserAdmin(UserAdmin):
    list_display = ["username", "first_name", "last_name", "is_active", "is_api_client"]


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ["name", "role", "key_prefix", "created_at", "expires_at", "revoked_at"]
    readonly_fields = ["key_prefix", "key_hash", "user", "last_used_at"]
