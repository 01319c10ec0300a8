"""Clips and tracks through S3-compatible storage (django-storages), against moto in server mode."""

from __future__ import annotations

import socket

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.support.sessions import MP4_HEADER, engine_result
from therapy import services
from therapy.models import ExerciseSession, SessionStatus

pytestmark = pytest.mark.django_db
BUCKET = "therapose-test"


@pytest.fixture(scope="module")
def moto_endpoint():
    import boto3  # dev dependencies: a missing one is a failure, not a skip
    from moto import server as server_mod

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = server_mod.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    ).create_bucket(Bucket=BUCKET)
    yield endpoint
    server.stop()


@pytest.fixture
def s3_storage(settings, moto_endpoint):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": moto_endpoint,
                "region_name": "us-east-1",
                "access_key": "test",
                "secret_key": "test",
                "default_acl": None,
                "querystring_auth": True,
                "file_overwrite": False,
            },
        },
    }
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=moto_endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


def test_clip_goes_to_s3_and_back(
    s3_storage, routine, patient, therapist, api_client_for, monkeypatch
):
    item = routine.items.get()
    data = MP4_HEADER + bytes(range(256)) * 20
    response = api_client_for(patient).post(
        "/api/v1/sessions/",
        {"routine_item": item.pk, "clip": SimpleUploadedFile("my knee.mp4", data)},
        format="multipart",
    )
    assert response.status_code == 202, response.content
    session = ExerciseSession.objects.get()
    key = session.clip.name
    assert key.startswith("clips/") and "knee" not in key  # random name
    assert s3_storage.get_object(Bucket=BUCKET, Key=key)["Body"].read() == data

    # The worker side downloads to a temporary file for the engine.
    seen = {}

    def engine(path, **kwargs):
        with open(path, "rb") as fh:
            seen["bytes"] = fh.read()
        return engine_result()

    monkeypatch.setattr("pose.pipeline.analyze_clip", engine)
    services.session_analyze(session_id=session.pk)
    session.refresh_from_db()
    assert session.status == SessionStatus.DONE and seen["bytes"] == data
    track_key = session.result.keypoint_track.name
    assert s3_storage.head_object(Bucket=BUCKET, Key=track_key)["ContentLength"] > 0

    # Served only through the permission-checked view.
    clip = api_client_for(therapist).get(f"/api/v1/sessions/{session.pk}/clip/")
    assert clip.status_code == 200 and b"".join(clip.streaming_content) == data
