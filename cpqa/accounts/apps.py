from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "cpqa.accounts"
    label = "accounts"
    verbose_name = "Users, roles and the access log"
