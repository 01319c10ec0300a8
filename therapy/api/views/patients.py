"""A therapist's patients and their adherence. A patient is added by invitation, as on the web
pages: the API never sets a patient's password."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from therapy.api import serializers as s
from therapy.api.permissions import IsTherapist
from therapy.audit import AuditAction, audit_record_many
from therapy.audit import audit_request as _audit
from therapy.permissions import get_or_404
from therapy.selectors.adherence import adherence_for_patients, adherence_history
from therapy.selectors.patients import patient_get, patient_list
from therapy.services.accounts import invite_resend, patient_invite


class PatientListView(GenericAPIView):
    permission_classes = [IsTherapist]
    serializer_class = s.PatientOut

    def get_queryset(self):
        return patient_list(therapist=self.request.user)

    @extend_schema(responses={200: s.PatientOut(many=True)})
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        audit_record_many(request=request, target="patient list", patients=page)
        adherence = adherence_for_patients(patients=page)
        out = s.PatientOut(page, many=True, context={"adherence": adherence})
        return self.get_paginated_response(out.data)

    @extend_schema(
        request=s.PatientIn,
        responses={201: s.PatientOut},
        description="Add a patient by name and email. The patient is emailed a single-use link, "
        "valid for THERAPOSE_INVITE_DAYS days, to choose their own password; until then they "
        "cannot sign in. An email address already in use is a 400 on `email`. "
        "`POST /patients/{id}/invite/` sends a new link.",
    )
    def post(self, request):
        data = s.PatientIn(data=request.data)
        data.is_valid(raise_exception=True)
        patient = patient_invite(therapist=request.user, **data.validated_data)
        _audit(request, AuditAction.CREATE, "patient", patient, patient.pk)
        adherence = adherence_for_patients(patients=[patient])
        out = s.PatientOut(patient, context={"adherence": adherence})
        return Response(out.data, status=status.HTTP_201_CREATED)


class PatientDetailView(GenericAPIView):
    permission_classes = [IsTherapist]
    serializer_class = s.PatientOut

    def get(self, request, pk: int):
        patient = get_or_404(patient_get(therapist=request.user, patient_id=pk))
        _audit(request, AuditAction.VIEW, "patient", patient, patient.pk)
        adherence = adherence_for_patients(patients=[patient])
        return Response(s.PatientOut(patient, context={"adherence": adherence}).data)


class PatientInviteView(GenericAPIView):
    permission_classes = [IsTherapist]
    serializer_class = s.InviteOut

    @extend_schema(
        request=None,
        responses={201: s.InviteOut},
        description="Email the patient a new invitation link; their earlier links stop working. "
        "A 400 when the patient has already set a password or has no email address.",
    )
    def post(self, request, pk: int):
        patient = get_or_404(patient_get(therapist=request.user, patient_id=pk))
        invite = invite_resend(patient=patient, by=request.user)
        _audit(request, AuditAction.CREATE, "invite", patient, invite.pk)
        return Response(s.InviteOut(invite).data, status=status.HTTP_201_CREATED)


class PatientAdherenceView(GenericAPIView):
    permission_classes = [IsTherapist]
    serializer_class = s.AdherenceOut
    pagination_class = None

    @extend_schema(
        parameters=[OpenApiParameter("weeks", int, description="Weeks back (1-52, default 8).")],
        responses={200: s.AdherenceOut(many=True)},
    )
    def get(self, request, pk: int):
        patient = get_or_404(patient_get(therapist=request.user, patient_id=pk))
        try:
            weeks = min(max(int(request.query_params.get("weeks", 8)), 1), 52)
        except ValueError:
            raise exceptions.ValidationError({"weeks": "A whole number of weeks."}) from None
        history = adherence_history(patient=patient, weeks=weeks)
        _audit(request, AuditAction.VIEW, "adherence", patient, patient.pk)
        return Response(s.AdherenceOut(history, many=True).data)
