from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path(
        "dashboard/conference_chair/conferences/",
        views.chair_conferences,
        name="chair-conferences",
    ),
    path("dashboard/<slug:role>/", views.home, name="home"),
    path("indicator/<slug:indicator_id>/", views.indicator, name="indicator"),
    path("indicator/<slug:indicator_id>/records/", views.filtered_records, name="records"),
    path("warnings/", views.warnings_index, name="warnings"),
    path("warnings/<slug:slug>/", views.warnings_list, name="warning-list"),
]
