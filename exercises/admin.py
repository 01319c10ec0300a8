from django.contrib import admin

from exercises.models import Exercise


@admin.register(Exercise)
class ExerciseAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "protocol", "camera_view", "is_builtin", "owner"]
    list_filter = ["is_builtin", "camera_view", "protocol"]
    search_fields = ["name", "slug"]
    raw_id_fields = ["owner", "base"]

    def get_readonly_fields(self, request, obj=None):
        # Built-ins come from exercises/catalog.json; edit that file, not the row.
        if obj is not None and obj.is_builtin:
            return [f.name for f in obj._meta.fields]
        return ["created_at", "updated_at"]
