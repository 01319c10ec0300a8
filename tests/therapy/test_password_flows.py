"""Changing and resetting a password: Django's views in our pages; any change revokes the user's
API tokens and signs out their other sessions, while the session that changed it stays in."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.support.shared_data import PASSWORD
from therapy.models import ApiToken
from therapy.services.accounts import token_create

pytestmark = pytest.mark.django_db
NEW = "a-fresh-and-long-password-42"
API_PAGE = "/api/v1/exercises/"


def _signed_in(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _api_status(key: str) -> int:
    return Client().get(API_PAGE, HTTP_AUTHORIZATION=f"Token {key}").status_code


@pytest.mark.parametrize("who", ["therapist", "patient"])
def test_change_keeps_this_session_and_ends_the_others(users, who):
    user = users[who]
    _, key = token_create(user=user)
    assert _api_status(key) == 200
    here, elsewhere = _signed_in(user), _signed_in(user)
    home = "/therapist/" if who == "therapist" else "/patient/"
    assert elsewhere.get(home).status_code == 200
    page = here.get("/accounts/password/change/")
    assert page.status_code == 200 and b'name="old_password"' in page.content
    response = here.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/change/done/"
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert here.get(home).status_code == 200  # still signed in
    gone = elsewhere.get(home)
    assert gone.status_code == 302 and gone["Location"].startswith("/accounts/login/")
    assert _api_status(key) == 401
    assert ApiToken.objects.filter(user=user, revoked_at=None).count() == 0


def test_a_wrong_old_password_changes_nothing(patient):
    _, key = token_create(user=patient)
    client = _signed_in(patient)
    response = client.post(
        "/accounts/password/change/",
        {"old_password": "wrong", "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 200
    assert b"Your old password was entered incorrectly" in response.content
    patient.refresh_from_db()
    assert patient.check_password(PASSWORD) and _api_status(key) == 200


def test_the_change_page_needs_a_sign_in(client):
    response = client.get("/accounts/password/change/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_pages_link_to_change_and_reset(client, therapist, patient):
    assert b'href="/accounts/password/reset/"' in client.get("/accounts/login/").content
    client.force_login(therapist)
    assert b'href="/accounts/password/change/"' in client.get("/therapist/").content
    client.force_login(patient)
    assert b'href="/accounts/password/change/"' in client.get("/patient/settings/").content


def test_reset_by_email(patient, mailoutbox):
    patient.email = "pat@example.org"
    patient.save()
    _, key = token_create(user=patient)
    elsewhere = _signed_in(patient)
    client = Client()
    assert client.get("/accounts/password/reset/").status_code == 200
    response = client.post("/accounts/password/reset/", {"email": "PAT@example.org"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/done/"
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["pat@example.org"]
    assert mailoutbox[0].subject == "Therapose: choose a new password"
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mailoutbox[0].body)
    form = client.get(link.group(1), follow=True)
    assert form.status_code == 200 and b'name="new_password1"' in form.content
    set_url = form.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302 and done["Location"] == "/accounts/password/reset/complete/"
    patient.refresh_from_db()
    assert patient.check_password(NEW)
    assert _api_status(key) == 401
    assert elsewhere.get("/patient/").status_code == 302
    again = client.get(link.group(1), follow=True)
    assert b"already used or has expired" in again.content.replace(b"&#x27;", b"'")


def test_reset_for_an_unknown_address_sends_nothing_and_says_the_same(mailoutbox):
    response = Client().post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/done/"
    assert mailoutbox == []


def test_a_password_set_anywhere_revokes_tokens(therapist, other_therapist):
    _, key = token_create(user=therapist)
    _, other_key = token_create(user=other_therapist)
    therapist.set_password(NEW)
    therapist.save()
    assert _api_status(key) == 401 and _api_status(other_key) == 200
    _, fresh = token_create(user=therapist)
    therapist.first_name = "Renamed"
    therapist.save()  # no password change: the new token stays
    assert _api_status(fresh) == 200
