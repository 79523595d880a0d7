from django.urls import path

from . import views

app_name = "outlets"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("api-keys/", views.api_keys, name="api_keys"),
    path("api-keys/create/", views.api_key_create_view, name="api_key_create"),
    path("api-keys/<int:key_id>/revoke/", views.api_key_revoke_view, name="api_key_revoke"),
]
