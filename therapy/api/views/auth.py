"""API tokens: sign in for a token, sign out (this token or all of them)."""

from __future__ import annotations

from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, permissions, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from therapy.api import serializers as s
from therapy.api.throttles import LoginThrottle
from therapy.models import ApiToken
from therapy.services.accounts import token_create, token_revoke, token_revoke_all


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
        token, key = token_create(user=user)
        return Response({"token": key, "expires_at": token.expires_at})


class LogoutView(GenericAPIView):
    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        if isinstance(request.auth, ApiToken):
            token_revoke(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutAllView(GenericAPIView):
    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        token_revoke_all(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
