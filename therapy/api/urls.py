from django.urls import path

from therapy.api.views import auth, exercises, messages, patients, routines, sessions

app_name = "api"

urlpatterns = [
    path("auth/token/", auth.TokenView.as_view(), name="auth-token"),
    path("auth/logout/", auth.LogoutView.as_view(), name="auth-logout"),
    path("auth/logout-all/", auth.LogoutAllView.as_view(), name="auth-logout-all"),
    path("exercises/", exercises.ExerciseListView.as_view(), name="exercise-list"),
    path("exercises/<slug:slug>/", exercises.ExerciseDetailView.as_view(), name="exercise-detail"),
    path("patients/", patients.PatientListView.as_view(), name="patient-list"),
    path("patients/<int:pk>/", patients.PatientDetailView.as_view(), name="patient-detail"),
    path("patients/<int:pk>/invite/", patients.PatientInviteView.as_view(), name="patient-invite"),
    path(
        "patients/<int:pk>/adherence/",
        patients.PatientAdherenceView.as_view(),
        name="patient-adherence",
    ),
    path(
        "patients/<int:pk>/messages/",
        messages.PatientMessageListView.as_view(),
        name="patient-messages",
    ),
    path("messages/", messages.MessageListView.as_view(), name="message-list"),
    path("routines/", routines.RoutineListView.as_view(), name="routine-list"),
    path("routines/<int:pk>/", routines.RoutineDetailView.as_view(), name="routine-detail"),
    path(
        "routines/<int:pk>/history/",
        routines.RoutineHistoryView.as_view(),
        name="routine-history",
    ),
    path("sessions/", sessions.SessionListView.as_view(), name="session-list"),
    path("sessions/<int:pk>/", sessions.SessionDetailView.as_view(), name="session-detail"),
    path("sessions/<int:pk>/series/", sessions.SessionSeriesView.as_view(), name="session-series"),
    path("sessions/<int:pk>/track/", sessions.SessionTrackView.as_view(), name="session-track"),
    path("sessions/<int:pk>/clip/", sessions.SessionClipView.as_view(), name="session-clip"),
    path("sessions/<int:pk>/retry/", sessions.SessionRetryView.as_view(), name="session-retry"),
]
