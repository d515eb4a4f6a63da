from axes.admin import AccessFailureLogAdmin as AxesFailureLogAdmin
from axes.admin import AccessLogAdmin as AxesAccessLogAdmin
from axes.models import AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import RoleAssignment, User
from .services import user_sessions_end


def _admin_login(request, extra_context=None):
    """The admin has no sign-in of its own: cpqa's, with two-factor and lock-out, is the one."""
    if request.user.is_authenticated:
        if admin.site.has_permission(request):
            return redirect("admin:index")
        raise PermissionDenied
    return redirect_to_login(request.GET.get("next") or "/admin/")


admin.site.login = _admin_login
admin.site.site_header = "cpqa administration"
admin.site.site_title = "cpqa administration"


class RoleAssignmentInline(admin.TabularInline):
    """Roles are granted here, never by an administrator to themselves."""

    model = RoleAssignment
    fk_name = "user"
    extra = 0
    fields = ("role", "granted_at", "granted_by")
    readonly_fields = ("granted_at", "granted_by")

    def _own(self, request, obj) -> bool:
        return obj is not None and obj.pk == request.user.pk

    def has_add_permission(self, request, obj=None) -> bool:
        return not self._own(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return not self._own(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return not self._own(request, obj) and super().has_delete_permission(request, obj)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [RoleAssignmentInline]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("cpqa", {"fields": ("authority", "teams")}),
    )
    filter_horizontal = ("teams", "groups", "user_permissions")
    list_display = ("username", "email", "is_active", "last_login")
    actions = ["sign_out_everywhere"]

    def save_formset(self, request, form, formset, change):
        assignments = formset.save(commit=False)
        for assignment in assignments:
            if isinstance(assignment, RoleAssignment) and assignment.granted_by_id is None:
                assignment.granted_by = request.user
            assignment.save()
        for removed in formset.deleted_objects:
            removed.delete()
        formset.save_m2m()

    @admin.action(description="Sign the selected users out everywhere")
    def sign_out_everywhere(self, request, queryset):
        for user in queryset:
            user_sessions_end(user=user)
        self.message_user(request, f"Signed out {queryset.count()} user(s) everywhere.")


# The access log is not in the admin: it is read on cpqa's access-log page, where
# every search is itself logged, and it can never be changed or removed.


# Two-factor devices: an administrator sees who has set up what and can remove a
# device (a lost phone), but never sees a secret or a recovery code, so cannot
# make anyone's codes.
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


class DeviceAdmin(admin.ModelAdmin):
    list_display = ("user", "name", "confirmed", "created_at", "last_used_at")
    list_filter = ("confirmed",)
    search_fields = ("user__username",)
    fields = (
        "user",
        "name",
        "confirmed",
        "created_at",
        "last_used_at",
        "throttling_failure_count",
    )
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        user_sessions_end(user=obj.user)

    def delete_queryset(self, request, queryset):
        users = {device.user for device in queryset}
        super().delete_queryset(request, queryset)
        for user in users:
            user_sessions_end(user=user)


admin.site.register(TOTPDevice, DeviceAdmin)
admin.site.register(StaticDevice, DeviceAdmin)


# Sign-in records (django-axes): read only, so that no one can hide an attempt. An
# administrator unlocks an account by deleting its "access attempts".
class ReadOnlyAxesLogAdmin(AxesAccessLogAdmin):
    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyAxesFailureLogAdmin(AxesFailureLogAdmin):
    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


for _model, _admin in (
    (AccessLog, ReadOnlyAxesLogAdmin),
    (AccessFailureLog, ReadOnlyAxesFailureLogAdmin),
):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, _admin)
