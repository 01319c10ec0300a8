"""Accounts: therapists, patients, their API tokens and settings."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from therapy.models import ApiToken, ExerciseSession, Role, User

# A token's last use is written at most this often (not on every request).
TOKEN_USE_RECORD_SECONDS = 300


def therapist_create(*, username: str, password: str | None, clinic=None, **names: str) -> User:
    user = User(username=username, role=Role.THERAPIST, clinic=clinic, **names)
    _set_password(user, password)
    user.full_clean()
    user.save()
    return user


def patient_create(
    *,
    therapist: User,
    username: str,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    check_password: bool = True,
    date_of_birth: date | None = None,
    sex: str = "",
) -> User:
    if not therapist.is_therapist:
        raise ValidationError("Only a therapist can add patients.")
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "This username is taken."})
    user = User(
        username=username,
        role=Role.PATIENT,
        therapist=therapist,
        clinic=therapist.clinic,
        first_name=first_name,
        last_name=last_name,
        email=email,
        date_of_birth=date_of_birth,
        sex=sex,
    )
    if password and check_password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from None
    _set_password(user, password)
    user.full_clean()
    user.save()
    return user


def _set_password(user: User, password: str | None) -> None:
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()


def patient_privacy_set(*, patient: User, privacy_mode: bool) -> User:
    """Switch privacy mode (the device sends keypoints, never video); the patient or their
    therapist may."""
    patient.privacy_mode = privacy_mode
    patient.save(update_fields=["privacy_mode"])
    return patient


def patient_details_set(*, patient: User, date_of_birth: date | None, sex: str) -> User:
    """Date of birth and sex, which pick the clinical tests' age/sex norms. Both optional."""
    if not patient.is_patient:
        raise ValidationError("Only a patient has these details.")
    patient.date_of_birth = date_of_birth
    patient.sex = sex
    patient.full_clean(exclude=["password"])
    patient.save(update_fields=["date_of_birth", "sex"])
    return patient


@transaction.atomic
def patient_delete(*, patient: User) -> None:
    """Delete a patient with everything recorded about them. Sessions go first (they protect
    the routine items they were performed against); their clips and tracks leave storage when
    the transaction commits (``therapy.signals``)."""
    if not patient.is_patient:
        raise ValidationError("Only a patient account can be deleted this way.")
    ExerciseSession.objects.filter(patient=patient).delete()
    patient.delete()


def token_create(*, user: User) -> tuple[ApiToken, str]:
    """A new API token; the key itself is returned once and never stored."""
    key = ApiToken.new_key()
    token = ApiToken.objects.create(
        user=user,
        key_hash=ApiToken.hash_key(key),
        expires_at=timezone.now() + timedelta(days=settings.API_TOKEN_TTL_DAYS),
    )
    return token, key


def token_record_use(*, token: ApiToken) -> None:
    """Note when a token was last used, at most every few minutes."""
    now = timezone.now()
    last = token.last_used_at
    if last is None or (now - last).total_seconds() > TOKEN_USE_RECORD_SECONDS:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)


def token_revoke(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at=None).update(revoked_at=timezone.now())


def token_revoke_all(*, user: User) -> int:
    return ApiToken.objects.filter(user=user, revoked_at=None).update(revoked_at=timezone.now())
