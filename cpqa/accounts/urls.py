from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-out/", views.SignOutView.as_view(), name="sign-out"),
    path("two-factor/", views.two_factor, name="two-factor"),
    path("two-factor/set-up/", views.two_factor_set_up, name="two-factor-set-up"),
    path("two-factor/recovery-codes/", views.recovery_codes, name="recovery-codes"),
    path("account/", views.account, name="account"),
    path("account/recovery-codes/", views.recovery_codes_new, name="recovery-codes-new"),
    path("account/two-factor/replace/", views.two_factor_replace, name="two-factor-replace"),
    path("account/sign-out-everywhere/", views.sign_out_everywhere, name="sign-out-everywhere"),
    path("home/<slug:role>/", views.role_home, name="role-home"),
    path("access-log/", views.access_log, name="access-log"),
    path("subject-access/", views.subject_access, name="subject-access"),
]
