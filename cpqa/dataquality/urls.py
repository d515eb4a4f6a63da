from django.urls import path

from . import views

app_name = "dataquality"

urlpatterns = [
    path("", views.summary_view, name="summary"),
    path("findings/", views.findings_view, name="findings"),
    path("findings.<str:format>", views.findings_download, name="findings-download"),
    path("completeness/", views.completeness_view, name="completeness"),
    path("completeness/missing/", views.completeness_missing_view, name="missing"),
    path("completeness/trend/", views.completeness_trend_view, name="trend"),
    path("refresh/", views.refresh_view, name="refresh"),
]
