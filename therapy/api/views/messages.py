"""Message threads: the patient's own (``/messages/``) and a therapist's view of one patient's
(``/patients/<id>/messages/``). Reading a thread marks the other side's messages read."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from therapy.api.message_serializers import MessageIn, MessageOut
from therapy.api.permissions import IsPatient, IsTherapist
from therapy.audit import AuditAction
from therapy.audit import audit_request as _audit
from therapy.models import ExerciseSession, User
from therapy.permissions import get_or_404
from therapy.selectors.messages import thread_for
from therapy.selectors.patients import patient_get
from therapy.selectors.sessions import session_get_for_user
from therapy.services.messages import message_send, thread_mark_read


class _ThreadView(GenericAPIView):
    serializer_class = MessageOut

    def thread_patient(self) -> User:
        raise NotImplementedError

    def _list(self, request) -> Response:
        patient = self.thread_patient()
        page = self.paginate_queryset(thread_for(patient=patient))
        thread_mark_read(patient=patient, reader=request.user)
        _audit(request, AuditAction.VIEW, "messages", patient, patient.pk)
        return self.get_paginated_response(MessageOut(page, many=True).data)

    def _send(self, request) -> Response:
        patient = self.thread_patient()
        data = MessageIn(data=request.data)
        data.is_valid(raise_exception=True)
        session = self._session(patient, data.validated_data.get("session"))
        message = message_send(
            patient=patient, author=request.user, text=data.validated_data["text"], session=session
        )
        _audit(request, AuditAction.CREATE, "message", patient, message.pk)
        return Response(MessageOut(message).data, status=status.HTTP_201_CREATED)

    def _session(self, patient: User, session_id: int | None) -> ExerciseSession | None:
        if session_id is None:
            return None
        session = session_get_for_user(user=self.request.user, session_id=session_id)
        if session is None or session.patient_id != patient.pk:
            raise exceptions.ValidationError({"session": ["No such session of this patient."]})
        return session


class MessageListView(_ThreadView):
    """The signed-in patient's thread with their therapist, oldest first."""

    permission_classes = [IsPatient]

    def thread_patient(self) -> User:
        return self.request.user

    @extend_schema(responses={200: MessageOut(many=True)})
    def get(self, request):
        return self._list(request)

    @extend_schema(request=MessageIn, responses={201: MessageOut})
    def post(self, request):
        return self._send(request)


class PatientMessageListView(_ThreadView):
    """One of the therapist's patients' thread, oldest first; another's is a 404."""

    permission_classes = [IsTherapist]

    def thread_patient(self) -> User:
        pk = self.kwargs["pk"]
        return get_or_404(patient_get(therapist=self.request.user, patient_id=pk))

    @extend_schema(responses={200: MessageOut(many=True)})
    def get(self, request, pk: int):
        return self._list(request)

    @extend_schema(request=MessageIn, responses={201: MessageOut})
    def post(self, request, pk: int):
        return self._send(request)
