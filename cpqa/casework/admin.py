"""Only facts about the organisation are in the admin, read only.

No child-level fact is registered: administrators run the service and must
not reach children's records through the admin (see docs/security.md).
"""

from django.contrib import admin

from .models import Professional, StaffingSnapshot, Team


class ReadOnlyFactAdmin(admin.ModelAdmin):
    search_fields = ("ref",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Team)
class TeamAdmin(ReadOnlyFactAdmin):
    list_display = ("name", "service", "ref")


@admin.register(Professional)
class ProfessionalAdmin(ReadOnlyFactAdmin):
    list_display = ("name", "role", "team", "fte", "agency")
    list_filter = ("role", "agency", "team")


@admin.register(StaffingSnapshot)
class StaffingSnapshotAdmin(ReadOnlyFactAdmin):
    list_display = ("team", "month", "establishment_fte", "filled_fte")
    list_filter = ("team",)
