"""The patient's recording never gets lost (issue 16), in a real browser with the real engine:
Record anyway pressed twice sends one clip; a clip sent while offline arrives by itself when the
connection is back; a video from the phone's gallery (HEVC in a MOV, as iPhones record) is
analysed like a live one; a recording whose upload failed is still offered after the tab was
closed; one the server refuses is kept and offered for download. Spoken cues are heard through
a stub of ``speechSynthesis.speak`` (the browser's speech engine is the boundary).

The fake camera and fixtures: tests/browser/conftest.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import PHONE, int_text, log_in, new_page, wait_until
from tests.support.clip_files import clip_rate, read_clip_frames, write_clip
from tests.support.shared_data import require_testdata

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SESSIONS_API = "/api/v1/sessions/"
# Record after a 1-s countdown (the page's select stores the choice the same way), and keep
# what the page says aloud.
INIT = """
localStorage.setItem('therapose.countdown', '1');
window.__spoken = [];
if (window.speechSynthesis) {
  window.speechSynthesis.speak = (utterance) => { window.__spoken.push(utterance.text); };
}
"""

# How many times the page started a MediaRecorder (the browser's own, only counted).
COUNT_RECORDERS = """
window.__recorders = 0;
const realStart = MediaRecorder.prototype.start;
MediaRecorder.prototype.start = function (...args) {
  window.__recorders += 1;
  return realStart.apply(this, args);
};
"""


def _posts(page) -> list[str]:
    posts: list[str] = []
    page.on(
        "request",
        lambda r: posts.append(r.url) if r.method == "POST" and SESSIONS_API in r.url else None,
    )
    return posts


def _open_exercise(browser, live_server, item, *, init: str = INIT):
    requests: list[str] = []
    context, page, errors = new_page(browser, PHONE, requests, init_script=init)
    posts = _posts(page)
    log_in(page, live_server.url, "patient")
    page.goto(f"{live_server.url}/patient/exercise/{item.pk}/?backend=wasm")
    return context, page, errors, posts


def _sessions():
    from therapy.models import ExerciseSession

    return list(ExerciseSession.objects.all())


@pytest.fixture(scope="module")
def phone_clip(tmp_path_factory) -> Path:
    """pose_1.mp4 as a phone records it: HEVC (10-bit) in a QuickTime .mov."""
    source = require_testdata("pose_1.mp4")
    return write_clip(
        tmp_path_factory.mktemp("phone") / "IMG_0001.MOV",
        read_clip_frames(source),
        fps=clip_rate(source),
        codec="libx265",
        pix_fmt="yuv420p10le",
        options={"preset": "ultrafast", "x265-params": "log-level=error"},
    )


def test_record_anyway_twice_then_stop_sends_one_clip(
    browser, live_server, patient, routine, eager_analysis, screenshot_dir
):
    item = routine.items.get()  # shoulder abduction, 10 repetitions: no automatic stop here
    context, page, errors, posts = _open_exercise(
        browser, live_server, item, init=INIT + COUNT_RECORDERS
    )
    lights = page.locator("#setup-checks li[data-check=light]")
    assert lights.get_attribute("data-ok") == "checking"
    assert "checking" in lights.inner_text()
    page.get_by_role("button", name="Start camera").click()
    page.wait_for_selector("#live[data-state=preview]", timeout=60_000)

    # The press that used to restart the recorder: twice during the countdown, once while
    # recording (dispatched even when the button is hidden, as a double tap would land).
    anyway = page.locator("#record-anyway")
    anyway.dispatch_event("click")
    anyway.dispatch_event("click")
    page.wait_for_selector("#live[data-state=recording]")
    assert anyway.is_hidden() and page.locator("#record").is_hidden()
    anyway.dispatch_event("click")
    page.wait_for_timeout(2500)
    assert page.locator("#live").get_attribute("data-state") == "recording"
    page.locator("#live[data-state=recording]").screenshot(
        path=screenshot_dir / "patient-recording-phone.png"
    )
    page.get_by_role("button", name="Stop recording").click()
    page.wait_for_selector("#result[data-status=done]", timeout=90_000)
    wait_until(page, lambda: lights.get_attribute("data-ok") == "true", what="the light check")
    page.screenshot(path=screenshot_dir / "patient-recording-result-phone.png", full_page=True)

    spoken = [t.lower() for t in page.evaluate("() => window.__spoken")]
    assert "starting" in spoken and "done" in spoken, spoken
    assert spoken.index("starting") < spoken.index("done")
    assert page.evaluate("() => window.__recorders") == 1  # one recorder, never restarted
    assert len(posts) == 1, posts
    assert not errors, errors
    context.close()
    sessions = _sessions()
    assert len(sessions) == 1 and sessions[0].status == "done" and sessions[0].source == "clip"


def test_phone_video_from_the_file_picker_is_analysed_and_shown(
    browser, live_server, patient, routine, eager_analysis, phone_clip, screenshot_dir
):
    item = routine.items.get()
    context, page, errors, posts = _open_exercise(browser, live_server, item)
    picker = page.get_by_label("Video", exact=True)
    assert "video/quicktime" in picker.get_attribute("accept")
    picker.set_input_files(str(phone_clip))
    page.get_by_role("button", name="Send this video").click()
    page.wait_for_selector("#result[data-status=done]", timeout=60_000)
    assert int(page.locator("#upload-progress").get_attribute("value")) == 100
    count = int_text(page, "#result-count")
    assert count == 1, page.locator("#result").inner_text()  # pose_1: arms raised once
    assert page.locator("#result-count-dose").inner_text() == "1 of 10 prescribed"
    page.screenshot(path=screenshot_dir / "patient-file-result-phone.png", full_page=True)
    assert len(posts) == 1 and not errors, (posts, errors)
    context.close()
    (session,) = _sessions()
    assert session.status == "done" and session.clip_content_type == "video/quicktime"
    assert session.result.video["codec"] == "hevc" and session.result.rep_count == 1


def test_offline_during_upload_arrives_when_back_online(
    browser, live_server, patient, routine, eager_analysis
):
    item = routine.items.get()
    context, page, errors, posts = _open_exercise(browser, live_server, item)
    page.get_by_label("Video", exact=True).set_input_files(str(require_testdata("pose_1.mp4")))
    context.set_offline(True)
    page.get_by_role("button", name="Send this video").click()
    page.wait_for_selector("#upload[data-state=waiting]")
    assert "kept on this device" in page.locator("#upload-status").inner_text()
    assert _sessions() == []
    context.set_offline(False)  # the patient presses nothing
    page.wait_for_selector("#result[data-status=done]", timeout=60_000)
    assert not errors, errors
    context.close()
    (session,) = _sessions()
    assert session.status == "done" and session.result.rep_count == 1


def test_an_upload_whose_answer_was_lost_is_not_stored_twice(
    browser, live_server, patient, routine, eager_analysis
):
    """The server accepts the clip but its answer never reaches the phone (the connection drops
    on the way back): the page retries with the recording's Idempotency-Key and gets the same
    session back: one session, one analysis."""
    item = routine.items.get()
    context, page, errors, posts = _open_exercise(browser, live_server, item)
    keys: list[str | None] = []

    def answer_lost_once(route):
        keys.append(route.request.headers.get("idempotency-key"))
        if len(keys) == 1:
            route.fetch()  # the server stores it ...
            route.abort("connectionreset")  # ... and the answer is lost
        else:
            route.continue_()

    page.route(
        "**/api/v1/sessions/",
        lambda route: answer_lost_once(route)
        if route.request.method == "POST"
        else route.continue_(),
    )
    page.get_by_label("Video", exact=True).set_input_files(str(require_testdata("pose_1.mp4")))
    page.get_by_role("button", name="Send this video").click()
    page.wait_for_selector("#result[data-status=done]", timeout=60_000)
    assert len(keys) == 2 and keys[0] and keys[0] == keys[1], keys
    context.close()
    (session,) = _sessions()
    assert session.upload_key == keys[0] and session.result.rep_count == 1


def test_a_recording_not_sent_is_offered_after_the_tab_was_closed(
    browser, live_server, patient, routine, eager_analysis
):
    item = routine.items.get()
    context, page, errors, posts = _open_exercise(browser, live_server, item)
    page.route(f"**{SESSIONS_API}", lambda route: route.abort())  # the connection drops
    page.get_by_label("Video", exact=True).set_input_files(str(require_testdata("pose_1.mp4")))
    page.get_by_role("button", name="Send this video").click()
    page.wait_for_selector("#upload[data-state=waiting]")
    page.close()  # the tab is closed before the retry

    page = context.new_page()
    page.goto(f"{live_server.url}/patient/exercise/{item.pk}/")
    offer = page.locator("#pending")
    offer.wait_for(state="visible")
    assert "has not been sent yet" in offer.inner_text()
    page.get_by_role("button", name="Send it now").click()
    page.wait_for_selector("#result[data-status=done]", timeout=60_000)
    page.reload()
    page.wait_for_timeout(500)
    assert page.locator("#pending").is_hidden()  # removed from the device once accepted
    context.close()
    (session,) = _sessions()
    assert session.status == "done"


def test_a_refused_recording_is_kept_and_offered_for_download(
    browser, live_server, patient, routine, tmp_path
):
    item = routine.items.get()
    not_a_video = tmp_path / "notes.mp4"
    not_a_video.write_bytes(b"this is a shopping list, not a video\n" * 10)
    context, page, errors, posts = _open_exercise(browser, live_server, item)
    page.get_by_label("Video", exact=True).set_input_files(str(not_a_video))
    page.get_by_role("button", name="Send this video").click()
    page.wait_for_selector("#upload[data-state=refused]")
    status = page.locator("#upload-status").inner_text()
    assert "not accepted" in status and "not a video" in status, status
    download = page.get_by_role("link", name="Save the recording to this device")
    with page.expect_download() as info:
        download.click()
    assert Path(info.value.path()).read_bytes() == not_a_video.read_bytes()
    page.reload()
    page.locator("#pending").wait_for(state="visible")  # still kept, with why it was refused
    assert "not a video" in page.locator("#pending-text").inner_text()
    assert len(posts) == 1 and _sessions() == []
    context.close()


def test_privacy_playback_keeps_the_shape_of_a_wide_recording(
    browser, live_server, therapist, patient, routine
):
    """A movement track filmed 16:9 plays in a 16:9 stage, not squeezed into a square, for the
    therapist and for the patient."""
    from pose import score_track_json
    from pose.measures.catalog import get_exercise
    from tests.support.sessions import make_done_session
    from tests.support.synthetic import Pose, make_track
    from therapy.models import SessionSource

    track = make_track([Pose()] * 60, width=1280, height=720)
    output = score_track_json(track.to_json(), get_exercise("shoulder_abduction"))
    session = make_done_session(patient=patient, routine_item=routine.items.get(), output=output)
    session.clip.delete(save=False)
    session.source = SessionSource.KEYPOINTS
    session.save()

    for user, path in (("therapist", "therapist/sessions"), ("patient", "patient/sessions")):
        context, page, errors = new_page(browser, PHONE, [])
        log_in(page, live_server.url, user)
        page.goto(f"{live_server.url}/{path}/{session.pk}/")
        page.wait_for_selector("#review-overlay[data-ready=true]", state="attached")
        stage = page.locator("#review-blank").bounding_box()
        overlay = page.locator("#review-overlay").bounding_box()
        assert stage["width"] / stage["height"] == pytest.approx(1280 / 720, rel=0.01), user
        assert (overlay["width"], overlay["height"]) == pytest.approx(
            (stage["width"], stage["height"]), abs=1
        )
        page.get_by_role("slider", name="Time").fill("1")
        wait_until(
            page,
            lambda page=page: page.locator("#review-overlay").get_attribute("data-keypoints")
            not in (None, "0"),
            what=f"the {user}'s skeleton at 1 s",
        )
        assert not errors, errors
        context.close()
