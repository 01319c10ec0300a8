from django.contrib.auth import views as auth_views
from django.urls import path

from therapy.web.views import accounts, common, patient, report, review, routines, therapist
from therapy.web.views import messages as message_views

urlpatterns = [
    path("", common.home, name="home"),
    path("accounts/login/", common.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/invite/<str:token>/", accounts.invite_accept_view, name="invite-accept"),
    path(
        "accounts/password/change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/password/reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("sessions/<int:pk>/clip/", common.session_clip, name="session-clip"),
    # Patient
    path("patient/", patient.patient_today, name="patient-today"),
    path("patient/exercise/<int:item_id>/", patient.patient_exercise, name="patient-exercise"),
    path("patient/history/", patient.patient_history, name="patient-history"),
    path("patient/progress/", patient.patient_progress, name="patient-progress"),
    path("patient/sessions/<int:pk>/", patient.patient_session, name="patient-session"),
    path("patient/settings/", patient.patient_settings, name="patient-settings"),
    path("patient/messages/", message_views.patient_messages, name="patient-messages"),
    # Therapist
    path("therapist/", therapist.therapist_dashboard, name="therapist-dashboard"),
    path("therapist/patients/add/", accounts.patient_add, name="patient-add"),
    path(
        "therapist/patients/<int:pk>/invite/",
        accounts.patient_invite_resend,
        name="patient-invite-resend",
    ),
    path("therapist/patients/<int:pk>/", therapist.therapist_patient, name="therapist-patient"),
    path("therapist/patients/<int:pk>/routines/", routines.routine_create, name="routine-create"),
    path("therapist/patients/<int:pk>/privacy/", therapist.patient_privacy, name="patient-privacy"),
    path("therapist/patients/<int:pk>/details/", therapist.patient_details, name="patient-details"),
    path(
        "therapist/patients/<int:pk>/export.csv",
        therapist.patient_export_csv,
        name="patient-export",
    ),
    path("therapist/patients/<int:pk>/report/", report.patient_report, name="patient-report"),
    path("therapist/routines/<int:pk>/items/", routines.routine_item_add, name="routine-item-add"),
    path(
        "therapist/routines/<int:pk>/items/<int:item_id>/",
        routines.routine_item_edit,
        name="routine-item-edit",
    ),
    path("therapist/routines/<int:pk>/end/", routines.routine_end, name="routine-end"),
    path("therapist/routines/<int:pk>/reopen/", routines.routine_reopen, name="routine-reopen"),
    path(
        "therapist/patients/<int:pk>/routines/new/",
        routines.routine_builder,
        name="routine-new",
    ),
    path(
        "therapist/patients/<int:pk>/routines/<int:routine_pk>/edit/",
        routines.routine_builder,
        name="routine-edit",
    ),
    path(
        "therapist/patients/<int:pk>/routines/<int:routine_pk>/items/<int:item_id>/restore/",
        routines.routine_item_restore,
        name="routine-item-restore",
    ),
    path("therapist/sessions/<int:pk>/", therapist.therapist_session, name="therapist-session"),
    path("therapist/sessions/<int:pk>/notes/", therapist.session_note_add, name="session-note-add"),
    path(
        "therapist/sessions/<int:pk>/rerecord/",
        review.session_ask_rerecord,
        name="session-rerecord",
    ),
    path(
        "therapist/patients/<int:pk>/messages/",
        message_views.therapist_messages,
        name="therapist-messages",
    ),
]
