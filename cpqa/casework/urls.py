from django.urls import path

from . import views

app_name = "casework"

urlpatterns = [
    path("", views.child_list_view, name="child-list"),
    path("<str:ref>/", views.child_detail_view, name="child-detail"),
]
