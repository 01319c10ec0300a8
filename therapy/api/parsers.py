"""The JSON parser for the API: it refuses, with a 4xx rather than a crash, bodies in a charset
that is not a text encoding (``charset=rot13``) and bodies nested deeper than any of ours."""

from __future__ import annotations

import re
from itertools import accumulate

from django.conf import settings
from rest_framework import exceptions, parsers
from rest_framework.utils import json

# Our deepest document (a keypoint track: frames, keypoints, coordinates) is a few levels deep;
# past this a body is hostile, and past ~1000 Python's decoder itself fails (RecursionError).
MAX_JSON_DEPTH = 64

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def json_depth(text: str) -> int:
    """How deeply arrays and objects nest in ``text``, brackets inside strings not counted.

    Linear, and never recursive: it runs before the decoder sees the text."""
    brackets = _BRACKETS.findall(_STRING.sub("", text))
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


class UnsupportedCharset(exceptions.UnsupportedMediaType):
    default_code = "unsupported_charset"


class SafeJSONParser(parsers.JSONParser):
    max_depth = MAX_JSON_DEPTH

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding") or settings.DEFAULT_CHARSET
        text = self._decode(stream.read() if stream is not None else b"", encoding)
        if json_depth(text) > self.max_depth:
            raise exceptions.ParseError(
                f"JSON parse error - nested deeper than {self.max_depth} levels."
            )
        parse_constant = json.strict_constant if self.strict else None
        try:
            return json.loads(text, parse_constant=parse_constant)
        except ValueError as exc:
            raise exceptions.ParseError(f"JSON parse error - {exc}") from None
        except RecursionError:  # a backstop: json_depth refuses such bodies first
            raise exceptions.ParseError("JSON parse error - nested too deeply.") from None

    @staticmethod
    def _decode(body: bytes, encoding: str) -> str:
        try:
            return body.decode(encoding)
        except LookupError:  # rot13, hex, base64: Python codecs, but not text encodings
            raise UnsupportedCharset(
                f"application/json; charset={encoding}",
                detail=f'Unsupported charset "{encoding}": send JSON in UTF-8.',
            ) from None
        except UnicodeDecodeError as exc:
            raise exceptions.ParseError(
                f"JSON parse error - the body is not valid {encoding}: {exc.reason}."
            ) from None
