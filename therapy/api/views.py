"""The REST API. Views are thin: validate with an input serializer, call a selector or a
service, shape the answer with an output serializer. Objects outside the user's scope are 404.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth import authenticate
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, permissions, status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from exercises.models import Exercise
from exercises.selectors import exercise_get_for_user, exercise_list_for_user
from exercises.services import exercise_create_custom
from therapy import selectors, services
from therapy.api import serializers as s
from therapy.api.throttles import AnonThrottle, LoginThrottle, UploadThrottle, UserThrottle
from therapy.audit import AuditAction, audit_record_many
from therapy.audit import audit_request as _audit
from therapy.models import ApiToken

# --- Permissions ---------------------------------------------------------------------------


class IsTherapist(permissions.BasePermission):
    message = "Only therapists can do this."

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.is_therapist)


class IsPatient(permissions.BasePermission):
    message = "Only patients can do this."

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.is_patient)


class ReadOrRole(permissions.BasePermission):
    """Any signed-in user may read (scoped by selectors); writes need ``view.write_role``."""

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        allowed = getattr(request.user, f"is_{view.write_role}", False)
        if not allowed:
            self.message = f"Only {view.write_role}s can do this."
        return allowed


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The upload is too large."
    default_code = "too_large"


def _or_404(obj):
    if obj is None:
        raise Http404
    return obj


# --- Auth ----------------------------------------------------------------------------------


class TokenView(GenericAPIView):
    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [LoginThrottle]
    serializer_class = s.TokenIn

    @extend_schema(request=s.TokenIn, responses={200: s.TokenOut}, auth=[])
    def post(self, request):
        data = s.TokenIn(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(
            request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        if user is None or not user.is_active:
            raise exceptions.ValidationError({"detail": "Wrong username or password."})
        token, key = services.token_create(user=user)
        return Response({"token": key, "expires_at": token.expires_at})


class LogoutView(GenericAPIView):
    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        if isinstance(request.auth, ApiToken):
            services.token_revoke(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutAllView(GenericAPIView):
    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        services.token_revoke_all(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Exercises -----------------------------------------------------------------------------


class ExerciseListView(GenericAPIView):
    permission_classes = [ReadOrRole]
    write_role = "therapist"
    serializer_class = s.ExerciseOut

    def get_queryset(self):
        return exercise_list_for_user(user=self.request.user)

    @extend_schema(responses={200: s.ExerciseOut(many=True)})
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.ExerciseOut(page, many=True).data)

    @extend_schema(request=s.ExerciseIn, responses={201: s.ExerciseOut})
    def post(self, request):
        data = s.ExerciseIn(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        base = Exercise.objects.filter(slug=fields.pop("base"), is_builtin=True).first()
        if base is None:
            raise exceptions.ValidationError({"base": "Unknown built-in exercise."})
        exercise = exercise_create_custom(therapist=request.user, base=base, **fields)
        return Response(s.ExerciseOut(exercise).data, status=status.HTTP_201_CREATED)


class ExerciseDetailView(GenericAPIView):
    serializer_class = s.ExerciseOut
    lookup_field = "slug"

    def get(self, request, slug: str):
        exercise = _or_404(exercise_get_for_user(user=request.user, slug=slug))
        return Response(s.ExerciseOut(exercise).data)


# --- Patients ------------------------------------------------------------------------------


class PatientListView(GenericAPIView):
    permission_classes = [IsTherapist]
    serializer_class = s.PatientOut

    def get_queryset(self):
        return selectors.patient_list(therapist=self.request.user)

    @extend_schema(responses={200: s.PatientOut(many=True)})
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        audit_record_many(request=request, target="patient list", patients=page)
        adherence = selectors.adherence_for_patients(patients=page)
        out = s.PatientOut(page, many=True, context={"adherence": adherence})
        return self.get_paginated_response(out.data)

    @extend_schema(request=s.PatientIn, responses={201: s.PatientOut})
    def post(self, request):
        data = s.PatientIn(data=request.data)
        data.is_valid(raise_exception=True)
        patient = services.patient_create(therapist=request.user, **data.validated_data)
        _audit(request, AuditAction.CREATE, "patient", patient, patient.pk)
        adherence = selectors.adherence_for_patients(patients=[patient])
        out = s.PatientOut(patient, context={"adherence": adherence})
        return Response(out.data, status=status.HTTP_201_CREATED)


class PatientDetailView(GenericAPIView):
    permission_classes = [IsTherapist]
    serializer_class = s.PatientOut

    def get(self, request, pk: int):
        patient = _or_404(selectors.patient_get(therapist=request.user, patient_id=pk))
        _audit(request, AuditAction.VIEW, "patient", patient, patient.pk)
        adherence = selectors.adherence_for_patients(patients=[patient])
        return Response(s.PatientOut(patient, context={"adherence": adherence}).data)


class PatientAdherenceView(GenericAPIView):
    permission_classes = [IsTherapist]
    serializer_class = s.AdherenceOut
    pagination_class = None

    @extend_schema(
        parameters=[OpenApiParameter("weeks", int, description="Weeks back (1-52, default 8).")],
        responses={200: s.AdherenceOut(many=True)},
    )
    def get(self, request, pk: int):
        patient = _or_404(selectors.patient_get(therapist=request.user, patient_id=pk))
        try:
            weeks = min(max(int(request.query_params.get("weeks", 8)), 1), 52)
        except ValueError:
            raise exceptions.ValidationError({"weeks": "A whole number of weeks."}) from None
        history = selectors.adherence_history(patient=patient, weeks=weeks)
        _audit(request, AuditAction.VIEW, "adherence", patient, patient.pk)
        return Response(s.AdherenceOut(history, many=True).data)


# --- Routines ------------------------------------------------------------------------------


def _resolve_items(user, items: list[dict]) -> list[dict]:
    resolved = []
    for item in items:
        exercise = exercise_get_for_user(user=user, slug=item["exercise"])
        if exercise is None:
            raise exceptions.ValidationError({"items": f"Unknown exercise {item['exercise']!r}."})
        resolved.append({**item, "exercise": exercise})
    return resolved


class RoutineListView(GenericAPIView):
    permission_classes = [ReadOrRole]
    write_role = "therapist"
    serializer_class = s.RoutineOut

    def get_queryset(self):
        return selectors.routine_list_for_user(user=self.request.user)

    @extend_schema(responses={200: s.RoutineOut(many=True)})
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.RoutineOut(page, many=True).data)

    @extend_schema(request=s.RoutineIn, responses={201: s.RoutineOut})
    def post(self, request):
        data = s.RoutineIn(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        patient = selectors.patient_get(therapist=request.user, patient_id=fields.pop("patient"))
        if patient is None:
            raise exceptions.ValidationError({"patient": "Not one of your patients."})
        items = _resolve_items(request.user, fields.pop("items"))
        routine = services.routine_create(
            therapist=request.user, patient=patient, items=items, **fields
        )
        _audit(request, AuditAction.CREATE, "routine", patient, routine.pk)
        return Response(s.RoutineOut(routine).data, status=status.HTTP_201_CREATED)


class RoutineDetailView(GenericAPIView):
    permission_classes = [ReadOrRole]
    write_role = "therapist"
    serializer_class = s.RoutineOut

    def get(self, request, pk: int):
        routine = _or_404(selectors.routine_get_for_user(user=request.user, routine_id=pk))
        _audit(request, AuditAction.VIEW, "routine", routine.patient_id, routine.pk)
        return Response(s.RoutineOut(routine).data)

    @extend_schema(request=s.RoutineUpdateIn, responses={200: s.RoutineOut})
    def patch(self, request, pk: int):
        routine = _or_404(selectors.routine_get_for_user(user=request.user, routine_id=pk))
        data = s.RoutineUpdateIn(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        if "items" in fields:
            fields["items"] = _resolve_items(request.user, fields["items"])
        routine = services.routine_update(routine=routine, changed_by=request.user, **fields)
        _audit(request, AuditAction.UPDATE, "routine", routine.patient_id, routine.pk)
        routine = selectors.routine_get_for_user(user=request.user, routine_id=routine.pk)
        return Response(s.RoutineOut(routine).data)


class RoutineHistoryView(GenericAPIView):
    serializer_class = s.RoutineRevisionOut

    @extend_schema(responses={200: s.RoutineRevisionOut(many=True)})
    def get(self, request, pk: int):
        routine = _or_404(selectors.routine_get_for_user(user=request.user, routine_id=pk))
        page = self.paginate_queryset(selectors.routine_revisions(routine=routine))
        _audit(request, AuditAction.VIEW, "routine history", routine.patient_id, routine.pk)
        return self.get_paginated_response(s.RoutineRevisionOut(page, many=True).data)


# --- Sessions ------------------------------------------------------------------------------


class SessionListView(GenericAPIView):
    permission_classes = [ReadOrRole]
    write_role = "patient"
    serializer_class = s.SessionOut
    throttle_classes = [AnonThrottle, UserThrottle, UploadThrottle]
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self):
        return selectors.session_list_for_user(user=self.request.user)

    @extend_schema(responses={200: s.SessionOut(many=True)})
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        audit_record_many(
            request=request, target="session list", patients=[x.patient for x in page]
        )
        out = s.SessionOut(page, many=True, context={"request": request})
        return self.get_paginated_response(out.data)

    @extend_schema(
        request={"multipart/form-data": s.SessionClipIn, "application/json": s.SessionTrackIn},
        responses={202: s.SessionOut},
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
        item = selectors.routine_item_for_patient(
            patient=request.user, item_id=fields.pop("routine_item")
        )
        if item is None:
            raise exceptions.ValidationError({"routine_item": "Not one of your routine items."})
        if is_track:
            session = services.session_create_from_track(
                patient=request.user, routine_item=item, track=fields.pop("keypoints"), **fields
            )
        else:
            session = services.session_create_from_clip(
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


class SessionDetailView(GenericAPIView):
    permission_classes = [ReadOrRole]
    write_role = "patient"
    serializer_class = s.SessionOut

    def get(self, request, pk: int):
        session = _or_404(selectors.session_get_for_user(user=request.user, session_id=pk))
        _audit(request, AuditAction.VIEW, "session", session.patient, session.pk)
        return Response(s.SessionOut(session, context={"request": request}).data)

    @extend_schema(request=s.SessionFeedbackIn, responses={200: s.SessionOut})
    def patch(self, request, pk: int):
        session = _or_404(selectors.session_get_for_user(user=request.user, session_id=pk))
        data = s.SessionFeedbackIn(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        session = services.session_update_feedback(session=session, **data.validated_data)
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
        session = _or_404(selectors.session_get_for_user(user=request.user, session_id=pk))
        session = services.session_retry(session=session)
        _audit(request, AuditAction.UPDATE, "session retry", session.patient, session.pk)
        session = selectors.session_get_for_user(user=request.user, session_id=pk)
        out = s.SessionOut(session, context={"request": request})
        return Response(out.data, status=status.HTTP_202_ACCEPTED)


def _done_result(request, pk: int, target: str):
    session = _or_404(selectors.session_get_for_user(user=request.user, session_id=pk))
    result = getattr(session, "result", None)
    if session.status != "done" or result is None:
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
        session = _or_404(selectors.session_get_for_user(user=request.user, session_id=pk))
        response = clip_response(session, request)
        _audit(request, AuditAction.DOWNLOAD, "clip", session.patient, session.pk)
        return response


_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
_CHUNK = 256 * 1024


def clip_response(session, request=None) -> HttpResponseBase:
    """The clip as a download, honouring a single HTTP ``Range`` (what ``<video>`` seeking and
    Safari need), streamed in chunks whatever the range asked for."""
    if not session.clip:
        raise Http404("This session has no clip.")
    content_type = session.clip_content_type or "video/mp4"
    size = session.clip.size
    wanted = _RANGE.match((request.META.get("HTTP_RANGE", "") if request else "").strip())
    if wanted and (wanted[1] or wanted[2]):
        if wanted[1]:
            start = int(wanted[1])
            end = min(int(wanted[2]), size - 1) if wanted[2] else size - 1
        else:  # "bytes=-N": the last N bytes
            start, end = max(0, size - int(wanted[2])), size - 1
        if start >= size or start > end:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return _clip_headers(response)
        response = StreamingHttpResponse(
            _read_range(session.clip.open("rb"), start, end - start + 1),
            status=206, content_type=content_type,
        )
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
        return _clip_headers(response)
    response = FileResponse(
        session.clip.open("rb"),
        content_type=content_type,
        filename=f"session-{session.pk}{_suffix(session.clip.name)}",
    )
    return _clip_headers(response)


def _read_range(fh, start: int, length: int):
    with fh:
        fh.seek(start)
        while length > 0:
            block = fh.read(min(_CHUNK, length))
            if not block:
                return
            length -= len(block)
            yield block


def _clip_headers(response: HttpResponseBase) -> HttpResponseBase:
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _suffix(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:] if dot > name.rfind("/") else ""
