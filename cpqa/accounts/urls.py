from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-out/", views.SignOutView.as_view(), name="sign-out"),
    path("home/<slug:role>/", views.role_home, name="role-home"),
    path("access-log/", views.access_log, name="access-log"),
]
