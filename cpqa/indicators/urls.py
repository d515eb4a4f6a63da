from django.urls import path

from . import views

app_name = "indicators"

urlpatterns = [
    path("api/indicators", views.api_indicators, name="api"),
    path("indicators/definitions/", views.definitions, name="definitions"),
    path("indicators/<slug:indicator_id>/records", views.records, name="records"),
]
