from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:name>/", views.report_page, name="report"),
    path("<slug:name>/<slug:format>", views.report_download, name="download"),
]
