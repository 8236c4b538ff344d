from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "coops.api"
    label = "api"
    verbose_name = "API"
