"""The audit log: who viewed or changed which patient's data and clips, and when.

Views call :func:`audit_record` after the permission check succeeded, so an event means the
data was actually shown or changed. Staff read the log in the admin (read-only).
"""

from __future__ import annotations

import logging
from typing import Any

from therapy.auth import client_ip
from therapy.models import AuditAction, AuditEvent, User

logger = logging.getLogger(__name__)

__all__ = ["AuditAction", "audit_record", "audit_request"]


def audit_record(
    *,
    actor: User | None,
    action: str,
    target: str,
    patient: User | int | None,
    target_id: Any = "",
    request=None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    if isinstance(patient, int):
        patient = User.objects.filter(pk=patient).only("pk", "username").first()
    actor = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=actor,
        actor_username=actor.get_username() if actor else "",
        patient=patient,
        patient_username=patient.get_username() if patient else "",
        action=action,
        target=target,
        target_id="" if target_id is None else str(target_id)[:64],
        ip=client_ip(request) or None,
        detail=detail or {},
    )


def audit_request(request, action: str, target: str, patient, target_id: Any = "") -> AuditEvent:
    """Record that the user making ``request`` saw or changed a patient's data (views' helper)."""
    return audit_record(
        actor=request.user,
        action=action,
        target=target,
        patient=patient,
        target_id=target_id,
        request=request,
    )


def audit_record_many(*, request, target: str, patients, action: str = AuditAction.VIEW) -> None:
    """One event per distinct patient shown in a list (a dashboard page, a session list)."""
    actor = request.user if getattr(request.user, "is_authenticated", False) else None
    seen: dict[int, User] = {}
    for patient in patients:
        seen.setdefault(patient.pk, patient)
    if not seen:
        return
    ip = client_ip(request) or None
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=actor,
            actor_username=actor.get_username() if actor else "",
            patient=patient,
            patient_username=patient.get_username(),
            action=action,
            target=target,
            ip=ip,
        )
        for patient in seen.values()
    )
