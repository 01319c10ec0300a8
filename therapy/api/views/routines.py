"""Routines: prescribed by a therapist (changes keep history), read by both."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from exercises.selectors import exercise_get_for_user
from therapy.api import serializers as s
from therapy.api.permissions import ReadOrRole
from therapy.audit import AuditAction
from therapy.audit import audit_request as _audit
from therapy.permissions import get_or_404
from therapy.selectors.patients import patient_get
from therapy.selectors.routines import (
    routine_get_for_user,
    routine_list_for_user,
    routine_revisions,
)
from therapy.services.routines import routine_create, routine_update


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
        return routine_list_for_user(user=self.request.user)

    @extend_schema(responses={200: s.RoutineOut(many=True)})
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.RoutineOut(page, many=True).data)

    @extend_schema(request=s.RoutineIn, responses={201: s.RoutineOut})
    def post(self, request):
        data = s.RoutineIn(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        patient = patient_get(therapist=request.user, patient_id=fields.pop("patient"))
        if patient is None:
            raise exceptions.ValidationError({"patient": "Not one of your patients."})
        items = _resolve_items(request.user, fields.pop("items"))
        routine = routine_create(therapist=request.user, patient=patient, items=items, **fields)
        _audit(request, AuditAction.CREATE, "routine", patient, routine.pk)
        return Response(s.RoutineOut(routine).data, status=status.HTTP_201_CREATED)


class RoutineDetailView(GenericAPIView):
    permission_classes = [ReadOrRole]
    write_role = "therapist"
    serializer_class = s.RoutineOut

    def get(self, request, pk: int):
        routine = get_or_404(routine_get_for_user(user=request.user, routine_id=pk))
        _audit(request, AuditAction.VIEW, "routine", routine.patient_id, routine.pk)
        return Response(s.RoutineOut(routine).data)

    @extend_schema(request=s.RoutineUpdateIn, responses={200: s.RoutineOut})
    def patch(self, request, pk: int):
        routine = get_or_404(routine_get_for_user(user=request.user, routine_id=pk))
        data = s.RoutineUpdateIn(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        if "items" in fields:
            fields["items"] = _resolve_items(request.user, fields["items"])
        routine = routine_update(routine=routine, changed_by=request.user, **fields)
        _audit(request, AuditAction.UPDATE, "routine", routine.patient_id, routine.pk)
        routine = routine_get_for_user(user=request.user, routine_id=routine.pk)
        return Response(s.RoutineOut(routine).data)


class RoutineHistoryView(GenericAPIView):
    serializer_class = s.RoutineRevisionOut

    @extend_schema(responses={200: s.RoutineRevisionOut(many=True)})
    def get(self, request, pk: int):
        routine = get_or_404(routine_get_for_user(user=request.user, routine_id=pk))
        page = self.paginate_queryset(routine_revisions(routine=routine))
        _audit(request, AuditAction.VIEW, "routine history", routine.patient_id, routine.pk)
        return self.get_paginated_response(s.RoutineRevisionOut(page, many=True).data)
