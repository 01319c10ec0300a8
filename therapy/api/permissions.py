"""DRF permission classes: who may call an endpoint at all. Which objects they reach is the
selectors' business (anything outside their scope is a 404)."""

from __future__ import annotations

from rest_framework import permissions

from therapy.permissions import has_role


class IsTherapist(permissions.BasePermission):
    message = "Only therapists can do this."

    def has_permission(self, request, view) -> bool:
        return has_role(request.user, "therapist")


class IsPatient(permissions.BasePermission):
    message = "Only patients can do this."

    def has_permission(self, request, view) -> bool:
        return has_role(request.user, "patient")


class ReadOrRole(permissions.BasePermission):
    """Any signed-in user may read (scoped by selectors); writes need ``view.write_role``."""

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        allowed = has_role(request.user, view.write_role)
        if not allowed:
            self.message = f"Only {view.write_role}s can do this."
        return allowed
