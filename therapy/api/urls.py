from django.urls import path

from therapy.api import views

app_name = "api"

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="auth-token"),
    path("auth/logout/", views.LogoutView.as_view(), name="auth-logout"),
    path("auth/logout-all/", views.LogoutAllView.as_view(), name="auth-logout-all"),
    path("exercises/", views.ExerciseListView.as_view(), name="exercise-list"),
    path("exercises/<slug:slug>/", views.ExerciseDetailView.as_view(), name="exercise-detail"),
    path("patients/", views.PatientListView.as_view(), name="patient-list"),
    path("patients/<int:pk>/", views.PatientDetailView.as_view(), name="patient-detail"),
    path(
        "patients/<int:pk>/adherence/",
        views.PatientAdherenceView.as_view(),
        name="patient-adherence",
    ),
    path("routines/", views.RoutineListView.as_view(), name="routine-list"),
    path("routines/<int:pk>/", views.RoutineDetailView.as_view(), name="routine-detail"),
    path("routines/<int:pk>/history/", views.RoutineHistoryView.as_view(), name="routine-history"),
    path("sessions/", views.SessionListView.as_view(), name="session-list"),
    path("sessions/<int:pk>/", views.SessionDetailView.as_view(), name="session-detail"),
    path("sessions/<int:pk>/series/", views.SessionSeriesView.as_view(), name="session-series"),
    path("sessions/<int:pk>/track/", views.SessionTrackView.as_view(), name="session-track"),
    path("sessions/<int:pk>/clip/", views.SessionClipView.as_view(), name="session-clip"),
    path("sessions/<int:pk>/retry/", views.SessionRetryView.as_view(), name="session-retry"),
]
