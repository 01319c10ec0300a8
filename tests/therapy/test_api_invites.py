"""Adding a patient through the API is an invitation, as on the web pages: the patient is
emailed a single-use link and sets their own password; ``/patients/{id}/invite/`` sends a new
link, and only the patient's own therapist may."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from therapy.models import AuditEvent, PatientInvite, User

pytestmark = pytest.mark.django_db
LINK = re.compile(r"http://testserver-site(/accounts/invite/[\w-]+/)")
ADA = {"first_name": "Ada", "last_name": "Lovelace", "email": "Ada.L@Example.org"}


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "http://testserver-site/"


@pytest.fixture
def invite_by_api(api_client_for, django_capture_on_commit_callbacks):
    """``invite_by_api(user, url, body)``: the response, with the emails of its commit sent."""

    def post(user, url="/api/v1/patients/", body=None):
        with django_capture_on_commit_callbacks(execute=True):
            return api_client_for(user).post(url, body, format="json")

    return post


def _link(mail) -> str:
    return LINK.search(mail.body).group(1)


def test_inviting_emails_one_link_and_sets_no_password(therapist, invite_by_api, mailoutbox):
    body = ADA | {"date_of_birth": "1950-03-01", "sex": "female", "diagnosis": "Hip replacement"}
    response = invite_by_api(therapist, body=body)
    assert response.status_code == 201, response.content
    out = response.json()
    assert (out["username"], out["email"]) == ("ada.l", "Ada.L@example.org")
    assert (out["first_name"], out["last_name"], out["sex"]) == ("Ada", "Lovelace", "female")
    assert out["date_of_birth"] == "1950-03-01"
    patient = User.objects.get(pk=out["id"])
    assert patient.is_patient and patient.therapist == therapist
    assert patient.diagnosis == "Hip replacement"
    assert not patient.has_usable_password()
    assert [m.to for m in mailoutbox] == [["Ada.L@example.org"]]
    page = Client().get(_link(mailoutbox[0]))
    assert page.status_code == 200 and b'name="password1"' in page.content
    assert AuditEvent.objects.filter(patient=patient, action="create", target="patient").exists()


def test_the_optional_details_may_be_left_out(therapist, invite_by_api):
    response = invite_by_api(therapist, body=ADA)
    assert response.status_code == 201, response.content
    patient = User.objects.get(pk=response.json()["id"])
    assert (patient.date_of_birth, patient.sex, patient.diagnosis) == (None, "", "")
    assert response.json()["sex"] is None


def test_resending_emails_a_new_link_and_the_old_one_is_refused(
    therapist, invite_by_api, mailoutbox
):
    patient_id = invite_by_api(therapist, body=ADA).json()["id"]
    resent = invite_by_api(therapist, f"/api/v1/patients/{patient_id}/invite/")
    assert resent.status_code == 201, resent.content
    assert resent.json()["sent_to"] == "Ada.L@example.org"
    assert len(mailoutbox) == 2 and mailoutbox[1].to == ["Ada.L@example.org"]
    old, new = _link(mailoutbox[0]), _link(mailoutbox[1])
    assert old != new
    refused = Client().get(old)
    assert refused.status_code == 410 and b"expired" in refused.content
    assert Client().get(new).status_code == 200
    assert PatientInvite.objects.filter(patient_id=patient_id).count() == 2


def test_a_patient_who_set_a_password_gets_no_new_link(therapist, patient, invite_by_api):
    patient.email = "pat@example.org"
    patient.save()
    response = invite_by_api(therapist, f"/api/v1/patients/{patient.pk}/invite/")
    assert response.status_code == 400
    assert "already set a password" in str(response.json())
    assert not PatientInvite.objects.filter(patient=patient).exists()


def test_only_the_patients_own_therapist_may_resend(
    therapist, other_therapist, patient, invite_by_api, mailoutbox
):
    patient_id = invite_by_api(therapist, body=ADA).json()["id"]
    url = f"/api/v1/patients/{patient_id}/invite/"
    assert invite_by_api(other_therapist, url).status_code == 404
    assert invite_by_api(therapist, "/api/v1/patients/999999/invite/").status_code == 404
    assert invite_by_api(patient, url).status_code == 403  # a patient's token
    assert invite_by_api(None, url).status_code == 401
    assert len(mailoutbox) == 1  # the first invitation only
    assert PatientInvite.objects.filter(patient_id=patient_id).count() == 1


def test_a_patients_token_cannot_invite(patient, invite_by_api, mailoutbox):
    response = invite_by_api(patient, body=ADA)
    assert response.status_code == 403
    assert mailoutbox == [] and not User.objects.filter(email__iexact=ADA["email"]).exists()


def test_an_email_in_use_is_a_400_on_email(therapist, other_therapist, invite_by_api, mailoutbox):
    assert invite_by_api(therapist, body=ADA).status_code == 201
    taken = invite_by_api(other_therapist, body=ADA | {"email": "ada.l@example.ORG"})
    assert taken.status_code == 400
    assert list(taken.json()) == ["email"]
    assert len(mailoutbox) == 1
    assert User.objects.filter(email__iexact="ada.l@example.org").count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"first_name": "Ada", "email": "ada@example.org"}, "last_name"),
        (ADA | {"email": "not an address"}, "email"),
        (ADA | {"date_of_birth": "2999-01-01"}, "date_of_birth"),
        (ADA | {"sex": "other"}, "sex"),
        # The old form, a password chosen by the therapist, is gone.
        ({"username": "ada", "password": "a-long-pass-phrase-9"}, "password"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(therapist, invite_by_api, mailoutbox, body, field):
    response = invite_by_api(therapist, body=body)
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert mailoutbox == [] and not User.objects.filter(role="patient").exists()
