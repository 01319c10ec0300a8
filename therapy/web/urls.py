from django.contrib.auth import views as auth_views
from django.urls import path

from therapy.web.views import common, patient, routines, therapist

urlpatterns = [
    path("", common.home, name="home"),
    path("accounts/login/", common.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("sessions/<int:pk>/clip/", common.session_clip, name="session-clip"),
    # Patient
    path("patient/", patient.patient_today, name="patient-today"),
    path("patient/exercise/<int:item_id>/", patient.patient_exercise, name="patient-exercise"),
    path("patient/history/", patient.patient_history, name="patient-history"),
    path("patient/sessions/<int:pk>/", patient.patient_session, name="patient-session"),
    path("patient/settings/", patient.patient_settings, name="patient-settings"),
    # Therapist
    path("therapist/", therapist.therapist_dashboard, name="therapist-dashboard"),
    path("therapist/patients/add/", therapist.patient_add, name="patient-add"),
    path("therapist/patients/<int:pk>/", therapist.therapist_patient, name="therapist-patient"),
    path("therapist/patients/<int:pk>/routines/", routines.routine_create, name="routine-create"),
    path("therapist/patients/<int:pk>/privacy/", therapist.patient_privacy, name="patient-privacy"),
    path("therapist/patients/<int:pk>/details/", therapist.patient_details, name="patient-details"),
    path(
        "therapist/patients/<int:pk>/export.csv",
        therapist.patient_export_csv,
        name="patient-export",
    ),
    path("therapist/patients/<int:pk>/report/", therapist.patient_report, name="patient-report"),
    path("therapist/routines/<int:pk>/items/", routines.routine_item_add, name="routine-item-add"),
    path(
        "therapist/routines/<int:pk>/items/<int:item_id>/",
        routines.routine_item_edit,
        name="routine-item-edit",
    ),
    path("therapist/routines/<int:pk>/end/", routines.routine_end, name="routine-end"),
    path("therapist/sessions/<int:pk>/", therapist.therapist_session, name="therapist-session"),
    path("therapist/sessions/<int:pk>/notes/", therapist.session_note_add, name="session-note-add"),
]
