"""Reads, by area, always scoped by the caller: a therapist sees their patients' data, a
patient their own, anyone else nothing.

Callers outside the package may use ``from therapy import selectors``; the modules of this
package import each other by module, never through this one.
"""

from therapy.selectors.adherence import (
    adherence_for_patient,
    adherence_for_patients,
    adherence_history,
    week_bounds,
    week_start_of,
)
from therapy.selectors.flags import Flag, patient_flags
from therapy.selectors.patients import patient_get, patient_list
from therapy.selectors.reporting import (
    CSV_COLUMNS,
    PatientRow,
    dashboard_rows,
    export_rows,
    report_summary,
)
from therapy.selectors.results import measure_label, result_measures, trends_for_patient
from therapy.selectors.routines import (
    routine_get_for_user,
    routine_item_current,
    routine_item_for_patient,
    routine_list_for_user,
    routine_revisions,
    routines_active,
)
from therapy.selectors.sessions import (
    session_done_result,
    session_get_for_user,
    session_list_for_user,
    session_note_list,
    sessions_with_results,
)

__all__ = [
    "CSV_COLUMNS",
    "Flag",
    "PatientRow",
    "adherence_for_patient",
    "adherence_for_patients",
    "adherence_history",
    "dashboard_rows",
    "export_rows",
    "measure_label",
    "patient_flags",
    "patient_get",
    "patient_list",
    "report_summary",
    "result_measures",
    "routine_get_for_user",
    "routine_item_current",
    "routine_item_for_patient",
    "routine_list_for_user",
    "routine_revisions",
    "routines_active",
    "session_done_result",
    "session_get_for_user",
    "session_list_for_user",
    "session_note_list",
    "sessions_with_results",
    "trends_for_patient",
    "week_bounds",
    "week_start_of",
]
