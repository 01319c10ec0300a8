"""Create (or refresh) the demo therapist, patient and routine, and a staff account for the
admin. Safe to run repeatedly."""

from __future__ import annotations

import secrets

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from exercises.models import Exercise
from exercises.services import exercise_catalog_sync
from therapy.models import Role, Routine, User
from therapy.services.routines import routine_create

THERAPIST = "demo-therapist"
PATIENT = "demo-patient"
ADMIN = "demo-admin"
ROUTINE_TITLE = "Demo routine"
ROUTINE_EXERCISES = ("squat", "seated_knee_extension", "shoulder_abduction", "single_leg_stance")


class Command(BaseCommand):
    help = "Create the demo therapist, patient (with a routine) and admin idempotently."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--password", help="Password for every account (random if omitted).")

    def handle(self, *args, password: str | None = None, **options) -> None:
        if password is None:
            password = secrets.token_urlsafe(9)
        exercise_catalog_sync()
        exercises = {e.slug: e for e in Exercise.objects.filter(slug__in=ROUTINE_EXERCISES)}
        missing = [slug for slug in ROUTINE_EXERCISES if slug not in exercises]
        if missing:
            raise CommandError(f"exercise catalog lacks: {', '.join(missing)}")
        with transaction.atomic():
            therapist = self._user(
                THERAPIST, Role.THERAPIST, password, first_name="Dana", last_name="Demo"
            )
            patient = self._user(
                PATIENT,
                Role.PATIENT,
                password,
                first_name="Pat",
                last_name="Demo",
                therapist=therapist,
            )
            if not Routine.objects.filter(patient=patient, title=ROUTINE_TITLE).exists():
                routine_create(
                    therapist=therapist,
                    patient=patient,
                    title=ROUTINE_TITLE,
                    items=[{"exercise": exercises[slug]} for slug in ROUTINE_EXERCISES],
                )
            self._user(
                ADMIN,
                Role.STAFF,
                password,
                first_name="Alex",
                last_name="Admin",
                is_staff=True,
                is_superuser=True,
            )
        self.stdout.write(f"therapist: {THERAPIST} / {password}")
        self.stdout.write(f"patient:   {PATIENT} / {password}")
        self.stdout.write(f"admin:     {ADMIN} / {password}  (/admin/)")

    @staticmethod
    def _user(username: str, role: str, password: str, **fields) -> User:
        user = User.objects.filter(username=username).first() or User(username=username)
        user.role = role
        user.therapist = fields.pop("therapist", None)
        for key, value in fields.items():
            setattr(user, key, value)
        user.set_password(password)
        user.is_active = True
        user.save()
        return user
