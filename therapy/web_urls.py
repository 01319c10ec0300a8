from django.contrib.auth import views as auth_views
from django.urls import path

from therapy import web_views as v

urlpatterns = [
    path("", v.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Patient
    path("patient/", v.patient_today, name="patient-today"),
    path("patient/exercise/<int:item_id>/", v.patient_exercise, name="patient-exercise"),
    path("patient/history/", v.patient_history, name="patient-history"),
    path("patient/sessions/<int:pk>/", v.patient_session, name="patient-session"),
    path("patient/settings/", v.patient_settings, name="patient-settings"),
    # Therapist
    path("therapist/", v.therapist_dashboard, name="therapist-dashboard"),
    path("therapist/patients/add/", v.patient_add, name="patient-add"),
    path("therapist/patients/<int:pk>/", v.therapist_patient, name="therapist-patient"),
    path("therapist/patients/<int:pk>/routines/", v.routine_create, name="routine-create"),
    path("therapist/patients/<int:pk>/privacy/", v.patient_privacy, name="patient-privacy"),
    path("therapist/patients/<int:pk>/export.csv", v.patient_export_csv, name="patient-export"),
    path("therapist/patients/<int:pk>/report/", v.patient_report, name="patient-report"),
    path("therapist/routines/<int:pk>/items/", v.routine_item_add, name="routine-item-add"),
    path(
        "therapist/routines/<int:pk>/items/<int:item_id>/",
        v.routine_item_edit,
        name="routine-item-edit",
    ),
    path("therapist/routines/<int:pk>/end/", v.routine_end, name="routine-end"),
    path("therapist/sessions/<int:pk>/", v.therapist_session, name="therapist-session"),
    path("therapist/sessions/<int:pk>/notes/", v.session_note_add, name="session-note-add"),
]
