from django.urls import path

from . import views

app_name = "outlets"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
