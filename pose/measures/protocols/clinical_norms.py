"""Comparing a clinical test's figure with its published norms: the band for the patient's age
(and sex, where the norms are by sex), a fall-risk cut-off, and a plain sentence.

The tables live in the catalog (``exercises/catalog.json``, each clinical test's
``params.norm_table``, with its sources), so that a therapist reads them where the exercise is
defined; this module only reads them. A table is plain JSON::

    {"unit": "s", "source": "...", "bands": [{"age_min": 60, "age_max": 69, "sex": "female",
      "low": 12, "high": 17} or {..., "typical": 11.4}],
     "cutoff": 12, "risk": "at_or_above" | "below", "cutoff_label": "fall-risk cut-off",
     "cutoff_source": "..."}

``low``/``high``: the normal range (e.g. Rikli & Jones' middle 50 %); ``typical``: a mean. A band
without ``sex`` holds for both. ``risk``: which side of the cut-off is the finding (``below`` with
no ``cutoff``: below the band's normal range).

The engine stays patient-agnostic: a band is picked only when the platform passes the patient's
``age`` (and ``sex``) as protocol parameters; otherwise ``outcome.norm`` holds the whole table and
says why no band was picked.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pose.measures.protocols.base import ProtocolError

SEXES = ("female", "male")
RISKS = ("at_or_above", "below")


def check_table(table: Mapping[str, Any] | None) -> None:
    """Refuse a malformed table at load time (not when a patient's clip arrives)."""
    if table is None:
        return
    if not isinstance(table, Mapping) or not isinstance(table.get("bands", []), list):
        raise ProtocolError("norm_table must be an object with a list of bands")
    if table.get("risk", "at_or_above") not in RISKS:
        raise ProtocolError(f"norm_table.risk must be one of {RISKS}")
    for band in table.get("bands", []):
        if not {"age_min", "age_max"} <= set(band) or band.get("sex") not in (None, *SEXES):
            raise ProtocolError(f"a norm band needs age_min, age_max and an optional sex: {band}")


def check_patient(age: float | None, sex: str | None) -> None:
    if age is not None and not 0 < age < 130:
        raise ProtocolError(f"age must be in years, got {age!r}")
    if sex not in (None, "", *SEXES):
        raise ProtocolError(f"sex must be one of {SEXES} or empty, got {sex!r}")


def pick_band(
    table: Mapping[str, Any], age: float | None, sex: str | None
) -> tuple[dict[str, Any] | None, str | None]:
    """The band for this patient, or None with the reason (age/sex not known, no band)."""
    bands = list(table.get("bands", []))
    if not bands:
        return None, None
    by_sex = any(b.get("sex") for b in bands)
    if age is None:
        missing = "age and sex are" if by_sex and not sex else "age is"
        return (
            None,
            f"The patient's {missing} not known, so no band was picked: the table is shown.",
        )
    if by_sex and not sex:
        return None, "The patient's sex is not known, so no band was picked: the table is shown."
    for band in bands:
        if band["age_min"] <= age <= band["age_max"] and band.get("sex") in (None, sex or None):
            return dict(band), None
    return None, f"The published norms do not cover age {age:g}: the table is shown."


def band_label(band: Mapping[str, Any]) -> str:
    who = {"female": "women", "male": "men"}.get(band.get("sex") or "", "people")
    return f"{who} aged {band['age_min']}-{band['age_max']}"


def _num(value: float, unit: str) -> str:
    text = f"{value:g}" if float(value).is_integer() else f"{value:.1f}"
    return f"{text} {unit}" if unit in ("s", "stands") else f"{text}{unit}"


def compare(
    value: float | None,
    table: Mapping[str, Any] | None,
    *,
    age: float | None,
    sex: str | None,
) -> tuple[dict[str, Any], str | None]:
    """``outcome.norm`` and the sentence comparing ``value`` with it (None: nothing to compare)."""
    if not table:
        return {}, None
    unit = str(table.get("unit", ""))
    band, why = pick_band(table, age, sex)
    norm: dict[str, Any] = {"unit": unit, "source": table.get("source")}
    if "cutoff" in table:
        norm.update(
            cutoff=table["cutoff"],
            risk=table.get("risk", "at_or_above"),
            cutoff_label=table.get("cutoff_label", "cut-off"),
            cutoff_source=table.get("cutoff_source"),
        )
    if band is not None:
        norm.update(band={**band, "label": band_label(band)}, age=age, sex=sex or None)
    elif table.get("bands"):
        norm.update(table=[{**b, "label": band_label(b)} for b in table["bands"]], note=why)
    if value is None:
        return norm, None
    parts = [_num(value, unit)]
    if "cutoff" in table:
        cutoff, label = table["cutoff"], norm["cutoff_label"]
        if table.get("risk", "at_or_above") == "at_or_above":
            side = "at or above" if value >= cutoff else "under"
        else:
            side = "below" if value < cutoff else "at or above"
        parts.append(f"{side} the {_num(cutoff, unit)} {label}")
    if band is not None:
        parts.append(_band_phrase(value, band, unit, table))
    sentence = parts[0] + ": " + "; ".join(parts[1:]) if len(parts) > 1 else parts[0]
    if band is None and why:
        sentence += ". " + why
    return norm, sentence + ("" if sentence.endswith(".") else ".")


def _band_phrase(value: float, band: Mapping[str, Any], unit: str, table: Mapping[str, Any]) -> str:
    who = band_label(band)
    if "low" in band and "high" in band:
        low, high = band["low"], band["high"]
        span = f"{_num(low, '')}-{_num(high, unit)}"
        if value < low:
            risk = ", a sign of fall risk" if table.get("risk") == "below" else ""
            return f"below the normal range for {who} ({span}){risk}"
        if value > high:
            return f"above the normal range for {who} ({span})"
        return f"within the normal range for {who} ({span})"
    if "typical" in band:
        return f"the average for {who} is {_num(band['typical'], unit)}"
    return f"compared with {who}"
