from django.urls import path

from . import views

app_name = "ingest"

urlpatterns = [
    path("import/", views.import_start, name="import"),
    path("import/<str:token>/", views.import_preview, name="import-preview"),
    path("import/<str:token>/confirm/", views.import_confirm, name="import-confirm"),
    path("import/<str:token>/cancel/", views.import_cancel, name="import-cancel"),
    path("imports/", views.run_list, name="runs"),
    path("imports/batch/<uuid:batch>/", views.batch_detail, name="batch"),
    path("imports/<int:pk>/", views.run_detail, name="run"),
    path("dictionary/", views.dictionary, name="dictionary"),
    path(
        "dictionary/<slug:name>.<str:format>",
        views.template_download,
        name="template",
    ),
]
