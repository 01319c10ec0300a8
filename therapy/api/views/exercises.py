"""The exercise catalog: built-in exercises and a therapist's own variants."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from exercises.models import Exercise
from exercises.selectors import exercise_get_for_user, exercise_list_for_user
from exercises.services import exercise_create_custom
from therapy.api import serializers as s
from therapy.api.permissions import ReadOrRole
from therapy.permissions import get_or_404


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
        exercise = get_or_404(exercise_get_for_user(user=request.user, slug=slug))
        return Response(s.ExerciseOut(exercise).data)
