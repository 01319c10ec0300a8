"""Adding a patient by invitation: the patient gets a single-use, expiring link by email and
sets their own password; the therapist sees the invitation's state and can send it again."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from therapy.models import PatientInvite, User
from therapy.services.accounts import (
    INVITE_EXPIRED,
    INVITE_UNKNOWN,
    INVITE_USED,
    invite_accept,
    invite_resend,
    patient_create,
    patient_invite,
)

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-long-knee-exercise-7"
LINK = re.compile(r"http://testserver-site/accounts/invite/([\w-]+)/")


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "http://testserver-site/"
    settings.THERAPOSE_INVITE_DAYS = 7


def _invite(therapist, capture, **extra):
    fields = {"first_name": "Ada", "last_name": "Lovelace", "email": "Ada.L@Example.org"}
    with capture(execute=True):
        return patient_invite(therapist=therapist, **(fields | extra))


def _token(mail) -> str:
    return LINK.search(mail.body).group(1)


def test_invite_creates_the_patient_and_emails_one_link(
    therapist, mailoutbox, django_capture_on_commit_callbacks
):
    patient = _invite(therapist, django_capture_on_commit_callbacks, diagnosis="ACL repair")
    assert patient.is_patient and patient.therapist == therapist
    assert patient.username == "ada.l" and patient.email == "Ada.L@example.org"
    assert patient.diagnosis == "ACL repair"
    assert not patient.has_usable_password()
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["Ada.L@example.org"]
    token = _token(mailoutbox[0])
    invite = PatientInvite.objects.get(patient=patient)
    assert len(token) >= 40 and token not in invite.token_hash  # only the hash is stored
    assert abs(invite.expires_at - invite.created_at - timedelta(days=7)) < timedelta(seconds=5)
    assert "ada.l" in mailoutbox[0].body


def test_usernames_from_emails_are_made_unique(therapist, django_capture_on_commit_callbacks):
    first = _invite(therapist, django_capture_on_commit_callbacks, email="sam@a.org")
    second = _invite(therapist, django_capture_on_commit_callbacks, email="sam@b.org")
    assert (first.username, second.username) == ("sam", "sam2")


def test_an_email_already_in_use_is_an_email_error(therapist, django_capture_on_commit_callbacks):
    _invite(therapist, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError) as exc:
        _invite(therapist, django_capture_on_commit_callbacks, email="ada.l@example.org")
    assert list(exc.value.message_dict) == ["email"]
    assert User.objects.filter(email__iexact="ada.l@example.org").count() == 1


def test_accepting_sets_the_password_once(
    therapist, mailoutbox, django_capture_on_commit_callbacks
):
    patient = _invite(therapist, django_capture_on_commit_callbacks)
    token = _token(mailoutbox[0])
    with pytest.raises(ValidationError) as exc:
        invite_accept(token=token, password1=NEW_PASSWORD, password2=NEW_PASSWORD + "x")
    assert "password2" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        invite_accept(token=token, password1="12345", password2="12345")
    assert "too short" in " ".join(exc.value.message_dict["password2"])
    user = invite_accept(token=token, password1=NEW_PASSWORD, password2=NEW_PASSWORD)
    assert user == patient
    patient.refresh_from_db()
    assert patient.check_password(NEW_PASSWORD)
    assert PatientInvite.objects.get(patient=patient).used_at is not None
    with pytest.raises(ValidationError, match="already used"):
        invite_accept(token=token, password1="another-pass-9x", password2="another-pass-9x")


def test_expired_and_unknown_links_are_refused(
    therapist, mailoutbox, django_capture_on_commit_callbacks
):
    patient = _invite(therapist, django_capture_on_commit_callbacks)
    PatientInvite.objects.filter(patient=patient).update(expires_at=timezone.now())
    with pytest.raises(ValidationError, match="expired"):
        invite_accept(token=_token(mailoutbox[0]), password1=NEW_PASSWORD, password2=NEW_PASSWORD)
    with pytest.raises(ValidationError, match="not valid"):
        invite_accept(token="nope", password1=NEW_PASSWORD, password2=NEW_PASSWORD)


def test_resending_retires_the_old_link(therapist, mailoutbox, django_capture_on_commit_callbacks):
    patient = _invite(therapist, django_capture_on_commit_callbacks)
    old = _token(mailoutbox[0])
    with django_capture_on_commit_callbacks(execute=True):
        invite_resend(patient=patient, by=therapist)
    assert len(mailoutbox) == 2
    new = _token(mailoutbox[1])
    assert new != old
    with pytest.raises(ValidationError, match="expired"):
        invite_accept(token=old, password1=NEW_PASSWORD, password2=NEW_PASSWORD)
    invite_accept(token=new, password1=NEW_PASSWORD, password2=NEW_PASSWORD)
    with pytest.raises(ValidationError, match="already set a password"):
        invite_resend(patient=patient, by=therapist)


def test_patient_create_keeps_working_for_the_api(therapist):
    patient = patient_create(
        therapist=therapist, username="bob", password="bob-has-a-long-pass-1", email="b@x.org"
    )
    assert patient.check_password("bob-has-a-long-pass-1") and patient.is_patient
    with pytest.raises(ValidationError) as exc:
        patient_create(therapist=therapist, username="BOB", password=None)
    assert "username" in exc.value.message_dict


# --- pages ----------------------------------------------------------------------------------

FORM = {
    "add-first_name": "Grace",
    "add-last_name": "Hopper",
    "add-email": "grace@example.org",
    "add-date_of_birth": "1950-12-09",
    "add-sex": "",
    "add-diagnosis": "Rotator cuff tear",
}


def test_the_add_page_adds_and_invites(
    client, therapist, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(therapist)
    page = client.get("/therapist/patients/add/")
    assert page.status_code == 200 and b'name="add-email"' in page.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/therapist/patients/add/", FORM)
    grace = User.objects.get(email="grace@example.org")
    assert response.status_code == 302
    assert response["Location"] == f"/therapist/patients/{grace.pk}/"
    assert grace.diagnosis == "Rotator cuff tear" and str(grace.date_of_birth) == "1950-12-09"
    assert len(mailoutbox) == 1 and _token(mailoutbox[0])
    page = client.get(response["Location"]).content.decode()
    assert 'data-state="sent"' in page and "Send the invite again" in page


def test_errors_are_shown_inline_and_keep_what_was_typed(client, therapist, patient):
    patient.email = "taken@example.org"
    patient.save()
    client.force_login(therapist)
    response = client.post(
        "/therapist/patients/add/", FORM | {"add-email": "TAKEN@example.org", "add-sex": "x"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Another account already uses this email address." not in html  # sex fails first
    assert 'value="Grace"' in html and 'value="Hopper"' in html
    assert 'value="TAKEN@example.org"' in html and "Rotator cuff tear" in html
    assert "Select a valid choice" in html
    response = client.post("/therapist/patients/add/", FORM | {"add-email": "TAKEN@example.org"})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_add-email-error"' in html
    assert "Another account already uses this email address." in html
    assert 'value="Grace"' in html and 'value="1950-12-09"' in html
    assert not User.objects.filter(first_name="Grace").exists()


def test_the_dashboard_form_asks_for_name_and_email_not_a_password(client, therapist):
    client.force_login(therapist)
    html = client.get("/therapist/").content.decode()
    assert 'name="add-email"' in html and 'name="add-password"' not in html
    assert 'name="add-username"' not in html


@pytest.mark.parametrize(
    "who,expected", [("therapist", 302), ("other_therapist", 404), ("patient", 403), (None, 302)]
)
def test_only_the_patients_therapist_can_resend(
    client, users, who, expected, mailoutbox, django_capture_on_commit_callbacks
):
    invited = _invite(users["therapist"], django_capture_on_commit_callbacks)
    if who:
        client.force_login(users[who])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/therapist/patients/{invited.pk}/invite/")
    assert response.status_code == expected
    if who is None:
        assert response["Location"].startswith("/accounts/login/")
    assert len(mailoutbox) == (2 if who == "therapist" else 1)
    assert PatientInvite.objects.filter(patient=invited).count() == (2 if who == "therapist" else 1)


def test_another_therapist_cannot_see_the_invite(client, users, django_capture_on_commit_callbacks):
    invited = _invite(users["therapist"], django_capture_on_commit_callbacks)
    client.force_login(users["other_therapist"])
    assert client.get(f"/therapist/patients/{invited.pk}/").status_code == 404
    client.force_login(users["other_patient"])
    assert client.get("/therapist/patients/add/").status_code == 403


def test_accepting_on_the_page_signs_in_and_opens_today(
    client, therapist, mailoutbox, django_capture_on_commit_callbacks
):
    patient = _invite(therapist, django_capture_on_commit_callbacks)
    url = f"/accounts/invite/{_token(mailoutbox[0])}/"
    page = client.get(url)
    assert page.status_code == 200 and b"ada.l" in page.content
    bad = client.post(url, {"password1": NEW_PASSWORD, "password2": "different-one-1"})
    assert bad.status_code == 400 and b"The two passwords are not the same." in bad.content
    response = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/patient/"
    assert client.get("/patient/").status_code == 200
    assert int(client.session["_auth_user_id"]) == patient.pk
    client.logout()
    again = client.get(url)
    assert again.status_code == 410 and INVITE_USED.encode() in again.content


@pytest.mark.parametrize("case", ["expired", "unknown"])
def test_a_dead_link_says_why(
    client, therapist, mailoutbox, case, django_capture_on_commit_callbacks
):
    patient = _invite(therapist, django_capture_on_commit_callbacks)
    token = _token(mailoutbox[0])
    if case == "expired":
        PatientInvite.objects.filter(patient=patient).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
    else:
        token = token[::-1]
    for method in (client.get, client.post):
        response = method(f"/accounts/invite/{token}/")
        assert response.status_code == 410
        text = INVITE_EXPIRED if case == "expired" else INVITE_UNKNOWN
        assert text.encode() in response.content.replace(b"&#x27;", b"'")


def test_invite_states_on_the_patient_page(
    client, therapist, mailoutbox, django_capture_on_commit_callbacks
):
    patient = _invite(therapist, django_capture_on_commit_callbacks)
    client.force_login(therapist)
    page = f"/therapist/patients/{patient.pk}/"
    PatientInvite.objects.filter(patient=patient).update(expires_at=timezone.now())
    html = client.get(page).content.decode()
    assert 'data-state="expired"' in html and "Send the invite again" in html
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/therapist/patients/{patient.pk}/invite/")
    invite_accept(token=_token(mailoutbox[-1]), password1=NEW_PASSWORD, password2=NEW_PASSWORD)
    html = client.get(page).content.decode()
    assert 'data-state="accepted"' in html and "Send the invite again" not in html


def test_seed_demo_prints_a_staff_admin_login(exercises_catalog, client):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("seed_demo", "--password", "pw-one-two-three", stdout=out)
    assert "admin:     demo-admin / pw-one-two-three" in out.getvalue()
    admin = User.objects.get(username="demo-admin")
    assert (admin.role, admin.is_staff, admin.is_superuser) == ("staff", True, True)
    assert client.login(username="demo-admin", password="pw-one-two-three")
    assert client.get("/admin/").status_code == 200


def test_a_mail_server_failure_keeps_the_patient_and_resend_works(
    client, therapist, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    import therapy.services.accounts as accounts

    def refuse(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(accounts, "send_mail", refuse)
    client.force_login(therapist)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/therapist/patients/add/", FORM)
    grace = User.objects.get(email="grace@example.org")
    assert response.status_code == 302 and mailoutbox == []
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/therapist/patients/{grace.pk}/invite/")
    assert len(mailoutbox) == 1 and _token(mailoutbox[0])
