from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from therapy.models import (
    ApiToken,
    AuditEvent,
    Clinic,
    ExerciseSession,
    Routine,
    RoutineItem,
    RoutineRevision,
    SessionResult,
    User,
)
from therapy.services.accounts import patient_delete


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "therapist", "clinic"]
    list_filter = ["role", "clinic", "is_staff", "is_active"]
    fieldsets = BaseUserAdmin.fieldsets + (
        ("Therapy", {"fields": ["role", "therapist", "clinic"]}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        ("Therapy", {"fields": ["role", "therapist", "clinic"]}),
    )
    raw_id_fields = ["therapist"]

    # Deleting a patient goes through the service, which removes their sessions first (they
    # protect the routine items they were performed against) and their clips from storage.
    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        if all(getattr(obj, "is_patient", False) for obj in objs):
            protected = []
        return deleted, model_count, perms_needed, protected

    def delete_model(self, request, obj):
        if obj.is_patient:
            patient_delete(patient=obj)
        else:
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            self.delete_model(request, user)


admin.site.register(Clinic)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "expires_at", "revoked_at", "last_used_at"]
    readonly_fields = ["key_hash", "created_at", "last_used_at"]
    raw_id_fields = ["user"]


class RoutineItemInline(admin.TabularInline):
    model = RoutineItem
    extra = 0
    fk_name = "routine"
    raw_id_fields = ["exercise", "replaces"]
    readonly_fields = ["created_at"]


@admin.register(Routine)
class RoutineAdmin(admin.ModelAdmin):
    list_display = ["title", "patient", "therapist", "start_date", "end_date"]
    raw_id_fields = ["patient", "therapist"]
    inlines = [RoutineItemInline]


@admin.register(RoutineRevision)
class RoutineRevisionAdmin(admin.ModelAdmin):
    list_display = ["routine", "changed_by", "changed_at"]
    readonly_fields = ["routine", "changed_by", "changed_at", "snapshot"]


@admin.register(ExerciseSession)
class ExerciseSessionAdmin(admin.ModelAdmin):
    list_display = ["id", "patient", "routine_item", "source", "status", "created_at"]
    list_filter = ["status", "source"]
    raw_id_fields = ["patient", "routine_item"]
    readonly_fields = ["created_at", "started_at", "finished_at", "attempts"]


@admin.register(SessionResult)
class SessionResultAdmin(admin.ModelAdmin):
    list_display = ["session", "rep_count", "model", "engine_version", "updated_at"]
    raw_id_fields = ["session"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Who viewed or changed which patient's data: read-only, for staff."""

    list_display = [
        "at",
        "actor_username",
        "action",
        "target",
        "target_id",
        "patient_username",
        "ip",
    ]
    list_filter = ["action", "target"]
    search_fields = ["actor_username", "patient_username", "target_id"]
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
