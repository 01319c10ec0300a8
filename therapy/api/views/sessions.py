"""Exercise sessions: uploaded by a patient (a clip or a device track), analysed in the
background, read with their series, track and clip, and tried again when the analysis failed."""

from __future__ import annotations

import re

from django.conf import settings
from django.http import FileResponse
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema
from rest_framework import exceptions, status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from therapy.api import serializers as s
from therapy.api.errors import PayloadTooLarge
from therapy.api.parsers import SafeJSONParser
from therapy.api.permissions import ReadOrRole
from therapy.api.throttles import AnonThrottle, UploadThrottle, UserThrottle
from therapy.audit import AuditAction, audit_record_many
from therapy.audit import audit_request as _audit
from therapy.models import SessionStatus
from therapy.permissions import get_or_404
from therapy.selectors.routines import routine_item_for_patient
from therapy.selectors.sessions import session_get_for_user, session_list_for_user
from therapy.services.files import clip_response
from therapy.services.sessions import (
    session_create_from_clip,
    session_create_from_track,
    session_retry,
    session_update_feedback,
)


class SessionListView(GenericAPIView):
    permission_classes = [ReadOrRole]
    write_role = "patient"
    serializer_class = s.SessionOut
    throttle_classes = [AnonThrottle, UserThrottle, UploadThrottle]
    # A clip is a multipart upload; an on-device keypoint track is a JSON body.
    parser_classes = [MultiPartParser, SafeJSONParser]

    def get_queryset(self):
        return session_list_for_user(user=self.request.user)

    @extend_schema(responses={200: s.SessionOut(many=True)})
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        audit_record_many(
            request=request, target="session list", patients=[x.patient for x in page]
        )
        out = s.SessionOut(page, many=True, context={"request": request})
        return self.get_paginated_response(out.data)

    @extend_schema(
        # The body is required, but the schema leaves requestBody.required unset: with it,
        # openapi-python-client 0.29 generates `body: ... | Unset` for multi-content-type bodies
        # without importing Unset, and the client does not import (its issue #1451). A proxy
        # with no required properties of its own is how drf-spectacular leaves it unset.
        request={
            "multipart/form-data": s.SessionClipIn,
            "application/json": PolymorphicProxySerializer(
                component_name="SessionTrackUpload",
                serializers=[s.SessionTrackIn],
                resource_type_field_name=None,
            ),
        },
        responses={202: s.SessionOut},
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                required=False,
                description="One key per recording (a UUID), sent with every attempt: a retry "
                "of an upload already accepted gets the same session back.",
            )
        ],
        description="Upload a clip (multipart) or an on-device keypoint track (JSON). The "
        "analysis runs in the background: poll the session until status is done or failed.",
    )
    def post(self, request):
        self._refuse_oversized(request)
        if getattr(request, "upload_too_large", False):
            raise PayloadTooLarge(self._too_large_message())
        is_track = request.content_type.startswith("application/json")
        data = (s.SessionTrackIn if is_track else s.SessionClipIn)(data=request.data)
        if getattr(request, "upload_too_large", False):
            raise PayloadTooLarge(self._too_large_message())
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        item = routine_item_for_patient(patient=request.user, item_id=fields.pop("routine_item"))
        if item is None:
            raise exceptions.ValidationError({"routine_item": "Not one of your routine items."})
        fields["upload_key"] = _upload_key(request)
        if is_track:
            session = session_create_from_track(
                patient=request.user, routine_item=item, track=fields.pop("keypoints"), **fields
            )
        else:
            session = session_create_from_clip(
                patient=request.user, routine_item=item, clip=fields.pop("clip"), **fields
            )
        _audit(request, AuditAction.CREATE, "session", request.user, session.pk)
        out = s.SessionOut(session, context={"request": request})
        return Response(out.data, status=status.HTTP_202_ACCEPTED)

    @staticmethod
    def _too_large_message() -> str:
        return f"The clip is too large (limit {settings.MAX_CLIP_BYTES // 1_048_576} MB)."

    def _refuse_oversized(self, request) -> None:
        """Check Content-Length before anything reads the body."""
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            raise exceptions.ParseError("Bad Content-Length.") from None
        if (request.META.get("CONTENT_TYPE") or "").startswith("multipart/"):
            limit = settings.MAX_CLIP_BYTES + 64 * 1024  # room for the other form fields
            message = self._too_large_message()
        else:
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            message = f"The upload is too large (limit {limit // 1_048_576} MB)."
        if length > limit:
            raise PayloadTooLarge(message)


UPLOAD_KEY = re.compile(r"[A-Za-z0-9._:-]{8,64}")


def _upload_key(request) -> str:
    """The optional ``Idempotency-Key`` header: the same key again (a retry whose answer was
    lost) answers with the session the first attempt created instead of creating another."""
    key = request.headers.get("Idempotency-Key", "").strip()
    if key and not UPLOAD_KEY.fullmatch(key):
        raise exceptions.ValidationError(
            {"Idempotency-Key": "Use 8 to 64 letters, digits or . _ : - (a UUID is fine)."}
        )
    return key


class SessionDetailView(GenericAPIView):
    permission_classes = [ReadOrRole]
    write_role = "patient"
    serializer_class = s.SessionOut

    def get(self, request, pk: int):
        session = get_or_404(session_get_for_user(user=request.user, session_id=pk))
        _audit(request, AuditAction.VIEW, "session", session.patient, session.pk)
        return Response(s.SessionOut(session, context={"request": request}).data)

    @extend_schema(request=s.SessionFeedbackIn, responses={200: s.SessionOut})
    def patch(self, request, pk: int):
        session = get_or_404(session_get_for_user(user=request.user, session_id=pk))
        data = s.SessionFeedbackIn(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        session = session_update_feedback(session=session, **data.validated_data)
        _audit(request, AuditAction.UPDATE, "session", session.patient, session.pk)
        return Response(s.SessionOut(session, context={"request": request}).data)


class SessionRetryView(GenericAPIView):
    """The patient's "try again" for a failed analysis: the stored clip or track is analysed
    again (a new upload is not needed)."""

    permission_classes = [ReadOrRole]
    write_role = "patient"
    serializer_class = s.SessionOut

    @extend_schema(request=None, responses={202: s.SessionOut})
    def post(self, request, pk: int):
        session = get_or_404(session_get_for_user(user=request.user, session_id=pk))
        session = session_retry(session=session)
        _audit(request, AuditAction.UPDATE, "session retry", session.patient, session.pk)
        session = session_get_for_user(user=request.user, session_id=pk)
        out = s.SessionOut(session, context={"request": request})
        return Response(out.data, status=status.HTTP_202_ACCEPTED)


def _done_result(request, pk: int, target: str):
    session = get_or_404(session_get_for_user(user=request.user, session_id=pk))
    result = getattr(session, "result", None)
    if session.status != SessionStatus.DONE or result is None:
        raise exceptions.NotFound("This session has no result yet.")
    _audit(request, AuditAction.VIEW, target, session.patient, session.pk)
    return session, result


class SessionSeriesView(GenericAPIView):
    serializer_class = s.SeriesOut

    def get(self, request, pk: int):
        _, result = _done_result(request, pk, "session series")
        return Response(result.series)


class SessionTrackView(GenericAPIView):
    @extend_schema(responses={(200, "application/json"): dict})
    def get(self, request, pk: int):
        _, result = _done_result(request, pk, "keypoint track")
        if not result.keypoint_track:
            raise exceptions.NotFound("No keypoint track stored.")
        fh = result.keypoint_track.open("rb")
        response = FileResponse(fh, content_type="application/json")
        response["Cache-Control"] = "private, no-store"
        return response


class SessionClipView(GenericAPIView):
    """The clip, streamed after the permission check (clips have no public URL)."""

    @extend_schema(responses={(200, "video/mp4"): bytes})
    def get(self, request, pk: int):
        session = get_or_404(session_get_for_user(user=request.user, session_id=pk))
        response = clip_response(session, request)
        _audit(request, AuditAction.DOWNLOAD, "clip", session.patient, session.pk)
        return response
