"""Accounts: therapists, patients, their API tokens and settings."""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from therapy.models import ApiToken, ExerciseSession, PatientInvite, Role, User

logger = logging.getLogger(__name__)

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
    diagnosis: str = "",
) -> User:
    """A patient with a password chosen for them (scripts, demo data, load tests); therapists,
    on the web pages and the API, invite the patient instead (``patient_invite``), who then
    sets their own."""
    user = _patient_build(
        therapist=therapist,
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        date_of_birth=date_of_birth,
        sex=sex,
        diagnosis=diagnosis,
    )
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "This username is taken."})
    if password and check_password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from None
    _set_password(user, password)
    user.full_clean()
    user.save()
    return user


def _patient_build(*, therapist: User, username: str, email: str, **fields) -> User:
    """The one place a patient account is put together (not saved)."""
    if not therapist.is_therapist:
        raise ValidationError("Only a therapist can add patients.")
    if email and User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": "Another account already uses this email address."})
    return User(
        username=username,
        email=email,
        role=Role.PATIENT,
        therapist=therapist,
        clinic=therapist.clinic,
        **fields,
    )


# --- Invites: the patient sets their own password through a single-use, expiring link -----

INVITE_USED = "This invitation link was already used. Sign in with your username and password."
INVITE_EXPIRED = "This invitation link has expired. Ask your therapist to send a new one."
INVITE_UNKNOWN = "This invitation link is not valid. Ask your therapist to send a new one."


@transaction.atomic
def patient_invite(
    *,
    therapist: User,
    first_name: str,
    last_name: str,
    email: str,
    date_of_birth: date | None = None,
    sex: str = "",
    diagnosis: str = "",
) -> User:
    """Create a patient without a usable password and email them a link to set one."""
    email = User.objects.normalize_email(email.strip())
    user = _patient_build(
        therapist=therapist,
        username=_username_from_email(email),
        email=email,
        first_name=first_name,
        last_name=last_name,
        date_of_birth=date_of_birth,
        sex=sex,
        diagnosis=diagnosis,
    )
    user.set_unusable_password()
    user.full_clean()
    user.save()
    _invite_issue(patient=user, by=therapist)
    return user


@transaction.atomic
def invite_resend(*, patient: User, by: User) -> PatientInvite:
    """A new link for a patient who has not set a password yet; earlier links stop working."""
    patient = User.objects.select_for_update().get(pk=patient.pk)  # as stored now
    if not patient.is_patient or not patient.email:
        raise ValidationError("This patient has no email address to send an invitation to.")
    if patient.has_usable_password():
        raise ValidationError("This patient has already set a password.")
    return _invite_issue(patient=patient, by=by)


def _invite_issue(*, patient: User, by: User) -> PatientInvite:
    now = timezone.now()
    PatientInvite.objects.filter(patient=patient, used_at=None, expires_at__gt=now).update(
        expires_at=now
    )
    token = secrets.token_urlsafe(32)
    invite = PatientInvite.objects.create(
        patient=patient,
        token_hash=_token_hash(token),
        sent_to=patient.email,
        created_by=by,
        expires_at=now + timedelta(days=settings.THERAPOSE_INVITE_DAYS),
    )
    subject, body = invite_email_text(patient=patient, token=token)
    to = patient.email

    def send() -> None:
        # Sent here, not by a task: the token would otherwise sit in the broker. A mail server
        # that fails leaves the invite unsent; the therapist's page offers to send it again.
        try:
            send_mail(subject, body, None, [to])
        except Exception:
            logger.exception("invite for patient %s: the email could not be sent", patient.pk)

    transaction.on_commit(send)
    return invite


def invite_email_text(*, patient: User, token: str) -> tuple[str, str]:
    link = settings.SITE_URL.rstrip("/") + reverse("invite-accept", args=[token])
    therapist = patient.therapist.get_full_name() if patient.therapist else ""
    days = settings.THERAPOSE_INVITE_DAYS
    subject = "Therapose: set your password"
    body = (
        f"Hello {patient.first_name},\n\n"
        f"{therapist or 'Your therapist'} has made you an account on Therapose for your home "
        "exercises.\n"
        f"Open this link to choose your password (it works once, for {days} days):\n{link}\n\n"
        f"Your username is: {patient.username}\n"
    )
    return subject, body


def invite_get(*, token: str) -> PatientInvite:
    """The invite of ``token`` while it can be used; otherwise a ValidationError whose message
    says why, in plain words."""
    invite = (
        PatientInvite.objects.select_related("patient")
        .filter(token_hash=_token_hash(token))
        .first()
    )
    if invite is None:
        raise ValidationError(INVITE_UNKNOWN, code="unknown")
    if invite.used_at is not None:
        raise ValidationError(INVITE_USED, code="used")
    if invite.expires_at <= timezone.now():
        raise ValidationError(INVITE_EXPIRED, code="expired")
    return invite


@transaction.atomic
def invite_accept(*, token: str, password1: str, password2: str) -> User:
    """Set the invited patient's password and spend the link. Errors: a ValidationError on the
    link (no field) or on ``password2``."""
    invite = invite_get(token=token)
    invite = PatientInvite.objects.select_for_update().select_related("patient").get(pk=invite.pk)
    if invite.used_at is not None:  # a concurrent acceptance won
        raise ValidationError(INVITE_USED, code="used")
    user = invite.patient
    if password1 != password2:
        raise ValidationError({"password2": "The two passwords are not the same."})
    try:
        validate_password(password2, user)
    except ValidationError as exc:
        raise ValidationError({"password2": exc.messages}) from None
    user.set_password(password2)
    user.save(update_fields=["password"])
    invite.used_at = timezone.now()
    invite.save(update_fields=["used_at"])
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _username_from_email(email: str) -> str:
    """The email's local part, cleaned to Django's username characters, with a number added
    when taken (``ada``, ``ada2``, ...)."""
    base = re.sub(r"[^\w.@+-]", "", email.split("@")[0].lower())[:140] or "patient"
    taken = set(User.objects.filter(username__istartswith=base).values_list("username", flat=True))
    taken = {name.lower() for name in taken}
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}{n}"
    return candidate


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
