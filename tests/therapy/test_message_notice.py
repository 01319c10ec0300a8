"""The therapist's email when a patient writes in their thread: one per burst (until the
therapist opens the thread), with a link to the thread and neither the patient's name nor the
text; none for a therapist's own message or a therapist without an email address."""

from __future__ import annotations

import socket

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from therapy.models import Message
from therapy.services.message_notices import message_notice_send
from therapy.services.messages import message_send, thread_mark_read
from therapy.tasks import message_notice_send_task

pytestmark = pytest.mark.django_db
TEXTS = ["My knee is swollen after the squats", "It hurts on the stairs", "Should I stop?"]


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "http://testserver-site/"


@pytest.fixture
def people(therapist, patient):
    therapist.email = "thera@clinic.example"
    therapist.save()
    patient.first_name, patient.last_name = "Ada", "Lovelace"
    patient.email = "ada@home.example"
    patient.save()
    return therapist, patient


@pytest.fixture
def write(django_capture_on_commit_callbacks, eager_celery):
    """``write(patient, author, text)``: ``message_send`` committed, its tasks run."""

    def send(patient, author, text):
        with django_capture_on_commit_callbacks(execute=True):
            return message_send(patient=patient, author=author, text=text)

    return send


def test_three_quick_replies_make_one_email_without_name_or_text(people, write, mailoutbox):
    therapist, patient = people
    for text in TEXTS:
        write(patient, patient, text)
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["thera@clinic.example"]
    assert email.subject == "A patient replied in Therapose"
    link = f"http://testserver-site/therapist/patients/{patient.pk}/messages/"
    assert link in email.body
    everything = email.subject + email.body
    for private in [*TEXTS, "knee", "Ada", "Lovelace", "ada@home.example"]:
        assert private not in everything


def test_opening_the_thread_starts_a_new_burst(people, write, mailoutbox):
    therapist, patient = people
    write(patient, patient, TEXTS[0])
    thread_mark_read(patient=patient, reader=patient)  # the patient reading changes nothing
    write(patient, patient, TEXTS[1])
    assert len(mailoutbox) == 1
    thread_mark_read(patient=patient, reader=therapist)
    write(patient, patient, TEXTS[2])
    assert len(mailoutbox) == 2 and mailoutbox[1].to == ["thera@clinic.example"]
    write(patient, patient, "One more thing")
    assert len(mailoutbox) == 2


def test_the_same_through_the_pages(
    people, eager_celery, django_capture_on_commit_callbacks, mailoutbox
):
    therapist, patient = people
    patient_page, therapist_page = Client(), Client()
    patient_page.force_login(patient)
    therapist_page.force_login(therapist)
    thread = f"/therapist/patients/{patient.pk}/messages/"
    for text in TEXTS[:2]:
        with django_capture_on_commit_callbacks(execute=True):
            assert patient_page.post("/patient/messages/", {"text": text}).status_code == 302
    assert len(mailoutbox) == 1
    assert therapist_page.get(thread).status_code == 200  # opening the thread reads it
    with django_capture_on_commit_callbacks(execute=True):
        patient_page.post("/patient/messages/", {"text": TEXTS[2]})
    assert len(mailoutbox) == 2 and thread in mailoutbox[1].body


def test_no_email_for_a_therapist_without_an_address(people, write, mailoutbox):
    therapist, patient = people
    therapist.email = ""
    therapist.save()
    for text in TEXTS:
        write(patient, patient, text)
    assert mailoutbox == []


def test_a_therapists_message_emails_nobody(people, write, mailoutbox):
    therapist, patient = people
    write(patient, therapist, "Well done this week!")
    write(patient, therapist, "Try the squats slower.")
    assert mailoutbox == []
    write(patient, patient, TEXTS[0])  # the patient's reply still is emailed
    assert [m.to for m in mailoutbox] == [["thera@clinic.example"]]


def test_a_refused_message_emails_nobody(people, write, mailoutbox):
    _, patient = people
    with pytest.raises(ValidationError):
        write(patient, patient, "   ")
    assert mailoutbox == [] and not Message.objects.exists()


def test_read_before_the_task_ran_sends_nothing(
    people, django_capture_on_commit_callbacks, mailoutbox
):
    therapist, patient = people
    with django_capture_on_commit_callbacks(execute=False) as queued:
        message = message_send(patient=patient, author=patient, text=TEXTS[0])
    assert len(queued) == 1  # sent once committed, not before
    thread_mark_read(patient=patient, reader=therapist)
    assert message_notice_send(message_id=message.pk) is False
    assert message_notice_send(message_id=10**9) is False  # deleted since
    assert mailoutbox == []


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_task_retries_when_the_mail_server_is_down(people, settings, eager_celery, mailoutbox):
    from celery.exceptions import Retry

    therapist, patient = people
    message = Message.objects.create(patient=patient, author=patient, text=TEXTS[0])
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _closed_port()
    settings.EMAIL_TIMEOUT = 2
    with pytest.raises(Retry) as retry:
        message_notice_send_task.delay(message.pk)
    assert isinstance(retry.value.exc, ConnectionRefusedError)
    assert retry.value.when == 60  # seconds before the next attempt
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    message_notice_send_task.delay(message.pk)  # the retry, once the server is back
    assert [m.to for m in mailoutbox] == [["thera@clinic.example"]]
