from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from therapy import views as therapy_views

urlpatterns = [
    path("healthz", therapy_views.healthz, name="healthz"),
    path("healthz/", therapy_views.healthz),
    path("admin/", admin.site.urls),
    path("api/v1/", include("therapy.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("therapy.web.urls")),
]
