"""A therapist's patients. Every read is scoped to the user asking: a therapist sees their
own patients, anyone else nothing."""

from __future__ import annotations

from django.db.models import QuerySet

from therapy.models import Role, User


def patient_list(*, therapist: User) -> QuerySet[User]:
    if not therapist.is_therapist:
        return User.objects.none()
    return User.objects.filter(role=Role.PATIENT, therapist=therapist).order_by(
        "last_name", "first_name", "username"
    )


def patient_get(*, therapist: User, patient_id: int) -> User | None:
    return patient_list(therapist=therapist).filter(pk=patient_id).first()
