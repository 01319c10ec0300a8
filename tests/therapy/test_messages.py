"""Messages between a patient and their therapist: the services, the unread counts, the
thread pages, the note "for the patient" on a session, the API, and that outsiders (another
therapist, another patient) reach nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.support.sessions import make_done_session
from therapy.models import Message, SessionNote
from therapy.selectors.messages import session_messages, thread_for, unread_count_for
from therapy.services.messages import message_send, thread_mark_read

pytestmark = pytest.mark.django_db

WHO = ["therapist", "patient", "other_therapist", "other_patient", "anonymous"]


@pytest.fixture
def world(users, routine, other_routine):
    session = make_done_session(patient=users["patient"], routine_item=routine.items.get())
    return {"session": session, **users}


# --- Services and selectors ---------------------------------------------------------------


def test_send_strips_and_orders_the_thread(world):
    patient, therapist = world["patient"], world["therapist"]
    first = message_send(patient=patient, author=therapist, text="  Well done!  ")
    second = message_send(patient=patient, author=patient, text="Thanks")
    assert first.text == "Well done!"
    assert list(thread_for(patient=patient)) == [first, second]
    assert first.read_at is None and first.session is None


@pytest.mark.parametrize("who", ["other_therapist", "other_patient"])
def test_outsiders_cannot_write_in_a_thread(world, who):
    with pytest.raises(PermissionDenied):
        message_send(patient=world["patient"], author=world[who], text="hello")
    assert not Message.objects.exists()


@pytest.mark.parametrize("text", ["", "   ", "x" * 5001])
def test_empty_or_too_long_text_is_refused(world, text):
    with pytest.raises(ValidationError):
        message_send(patient=world["patient"], author=world["therapist"], text=text)


def test_a_session_of_another_patient_is_refused(world, other_routine):
    other = make_done_session(
        patient=world["other_patient"], routine_item=other_routine.items.get()
    )
    with pytest.raises(ValidationError):
        message_send(patient=world["patient"], author=world["therapist"], text="hi", session=other)


def test_unread_counts_on_both_sides_and_mark_read(world):
    patient, therapist = world["patient"], world["therapist"]
    message_send(patient=patient, author=therapist, text="Note 1")
    message_send(patient=patient, author=therapist, text="Note 2")
    message_send(patient=patient, author=patient, text="Reply")
    message_send(patient=world["other_patient"], author=world["other_patient"], text="Elsewhere")

    assert unread_count_for(user=patient).total == 2
    counts = unread_count_for(user=therapist)
    assert counts.total == 1 and counts.by_patient == {patient.pk: 1}
    assert unread_count_for(user=world["other_therapist"]).by_patient == {
        world["other_patient"].pk: 1
    }

    # An outsider opening the thread marks nothing.
    assert thread_mark_read(patient=patient, reader=world["other_therapist"]) == 0
    assert thread_mark_read(patient=patient, reader=patient) == 2
    assert unread_count_for(user=patient).total == 0
    assert unread_count_for(user=therapist).total == 1  # the patient's reply: still unread
    assert thread_mark_read(patient=patient, reader=therapist) == 1
    assert unread_count_for(user=therapist).total == 0


def test_unread_count_is_one_query(world, django_assert_num_queries):
    message_send(patient=world["patient"], author=world["patient"], text="Reply")
    with django_assert_num_queries(1):
        unread_count_for(user=world["therapist"])


# --- Pages --------------------------------------------------------------------------------


def _login(client, user):
    if user is not None:
        client.force_login(user)
    return client


PAGE_CASES = [
    ("patient thread", lambda w: "/patient/messages/", [403, 200, 403, 200, "login"]),
    (
        "therapist thread",
        lambda w: f"/therapist/patients/{w['patient'].pk}/messages/",
        [200, 403, 404, 403, "login"],
    ),
]


@pytest.mark.parametrize("case", PAGE_CASES, ids=[c[0] for c in PAGE_CASES])
@pytest.mark.parametrize("who", WHO)
def test_page_permissions(client, world, case, who):
    _, url, expected = case
    message_send(patient=world["patient"], author=world["therapist"], text="Secret words")
    response = _login(client, world[who]).get(url(world))
    want = expected[WHO.index(who)]
    if want == "login":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == want
    if who in ("other_therapist", "other_patient"):
        assert b"Secret words" not in response.content


def test_note_for_the_patient_reaches_their_session_page_and_thread(client, world):
    patient, therapist, session = world["patient"], world["therapist"], world["session"]
    _login(client, therapist).post(
        f"/therapist/sessions/{session.pk}/notes/",
        {"text": "Lift a little slower", "audience": "patient"},
    )
    _login(client, therapist).post(
        f"/therapist/sessions/{session.pk}/notes/",
        {"text": "Private: check the shoulder", "audience": "private"},
    )
    message = Message.objects.get()
    assert message.session == session and message.text == "Lift a little slower"
    assert SessionNote.objects.get().text == "Private: check the shoulder"
    assert list(session_messages(session=session)) == [message]

    client.force_login(patient)
    page = client.get(f"/patient/sessions/{session.pk}/").content.decode()
    assert "Lift a little slower" in page and "check the shoulder" not in page
    assert "Messages <span" in page and "(1<span" in page  # the nav badge

    # The patient replies from the session page: the reply is about that session.
    response = client.post("/patient/messages/", {"text": "I will try", "session": session.pk})
    assert (
        response.status_code == 302 and f"/patient/sessions/{session.pk}/" in response["Location"]
    )
    reply = Message.objects.get(author=patient)
    assert reply.session == session

    # Opening the thread marks the therapist's note read: the badge goes.
    thread = client.get("/patient/messages/").content.decode()
    assert "Lift a little slower" in thread and "I will try" in thread
    assert thread.index("Lift a little slower") < thread.index("I will try")
    assert thread.count(">New</span>") == 1  # the note, not the patient's own reply
    assert ">New</span>" not in client.get("/patient/messages/").content.decode()
    assert unread_count_for(user=patient).total == 0
    assert "(1<span" not in client.get("/patient/history/").content.decode()

    # The therapist sees the unread reply on the dashboard, then opens the thread.
    client.force_login(therapist)
    dashboard = client.get("/therapist/").content.decode()
    assert "1 unread message" in dashboard and "(1<span" in dashboard
    thread = client.get(f"/therapist/patients/{patient.pk}/messages/").content.decode()
    assert "I will try" in thread and f"/therapist/sessions/{session.pk}/" in thread
    assert unread_count_for(user=therapist).total == 0
    assert "unread message" not in client.get("/therapist/").content.decode()


def test_therapist_writes_in_the_thread_and_outsider_cannot(client, world):
    patient = world["patient"]
    url = f"/therapist/patients/{patient.pk}/messages/"
    response = _login(client, world["therapist"]).post(url, {"text": "How is the knee?"})
    assert response.status_code == 302
    assert Message.objects.get().author == world["therapist"]
    client.force_login(world["other_therapist"])
    assert client.post(url, {"text": "Intruder"}).status_code == 404
    client.force_login(world["other_patient"])
    response = client.post("/patient/messages/", {"text": "Nosy", "session": world["session"].pk})
    assert response.status_code == 404
    assert Message.objects.count() == 1


def test_an_empty_reply_is_not_sent(client, world):
    _login(client, world["patient"]).post("/patient/messages/", {"text": "   "})
    assert not Message.objects.exists()


def test_the_context_processor_costs_one_query(client, world):
    message_send(patient=world["patient"], author=world["therapist"], text="hello")
    client.force_login(world["patient"])
    with CaptureQueriesContext(connection) as queries:
        client.get("/patient/history/")
    unread_queries = [q for q in queries if "therapy_message" in q["sql"]]
    assert len(unread_queries) == 1


# --- API ----------------------------------------------------------------------------------


API_CASES = [
    ("own thread", "get", lambda w: "/api/v1/messages/", [403, 200, 403, 200, 401]),
    ("own thread post", "post", lambda w: "/api/v1/messages/", [403, 201, 403, 201, 401]),
    (
        "patient thread",
        "get",
        lambda w: f"/api/v1/patients/{w['patient'].pk}/messages/",
        [200, 403, 404, 403, 401],
    ),
    (
        "patient thread post",
        "post",
        lambda w: f"/api/v1/patients/{w['patient'].pk}/messages/",
        [201, 403, 404, 403, 401],
    ),
]


@pytest.mark.parametrize("case", API_CASES, ids=[c[0] for c in API_CASES])
@pytest.mark.parametrize("who", WHO)
def test_api_permissions(api_client_for, world, case, who):
    _, method, url, expected = case
    client = api_client_for(world[who])
    response = getattr(client, method)(url(world), data={"text": "Hello"}, format="json")
    assert response.status_code == expected[WHO.index(who)]


def test_api_thread_for_patient_and_therapist(api_client_for, world):
    patient, therapist, session = world["patient"], world["therapist"], world["session"]
    tclient = api_client_for(therapist)
    url = f"/api/v1/patients/{patient.pk}/messages/"
    response = tclient.post(url, {"text": " Good work ", "session": session.pk}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["text"] == "Good work" and body["session"] == session.pk
    assert body["from_patient"] is False and body["author"] == therapist.pk

    pclient = api_client_for(patient)
    assert unread_count_for(user=patient).total == 1
    listing = pclient.get("/api/v1/messages/").json()
    assert [m["text"] for m in listing["results"]] == ["Good work"]
    assert unread_count_for(user=patient).total == 0  # reading the thread marks it read
    response = pclient.post("/api/v1/messages/", {"text": "Thanks"}, format="json")
    assert response.status_code == 201 and response.json()["from_patient"] is True

    results = tclient.get(url).json()["results"]
    assert [m["text"] for m in results] == ["Good work", "Thanks"]


def test_api_refuses_bad_input(api_client_for, world, other_routine):
    client = api_client_for(world["patient"])
    assert client.post("/api/v1/messages/", {"text": "  "}, format="json").status_code == 400
    assert client.post("/api/v1/messages/", {"txt": "typo"}, format="json").status_code == 400
    other = make_done_session(
        patient=world["other_patient"], routine_item=other_routine.items.get()
    )
    response = client.post("/api/v1/messages/", {"text": "hi", "session": other.pk}, format="json")
    assert response.status_code == 400
    assert not Message.objects.exists()
