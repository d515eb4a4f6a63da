from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("cpqa.accounts.urls")),
    path("children/", include("cpqa.casework.urls")),
    path("data/", include("cpqa.ingest.urls")),
    path("data-quality/", include("cpqa.dataquality.urls")),
    path("reports/", include("cpqa.reports.urls")),
    path("", include("cpqa.indicators.urls")),
    path("", include("cpqa.dashboards.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "cpqa.core.views.forbidden"
handler404 = "cpqa.core.views.not_found"
handler500 = "cpqa.core.views.server_error"
