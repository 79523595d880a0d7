from django.apps import AppConfig


class OutletsConfig(AppConfig):
    name = "outlets"
    verbose_name = "POS: stores, outlets and their documents"
