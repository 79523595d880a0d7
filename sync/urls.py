"""The sync's pages on the add-on, included at apps/accurate/products/push/ (sync reads mapping,
never the other way round)."""

from django.urls import path

from sync import views

app_name = "sync"

urlpatterns = [
    path("", views.push_page, name="push"),
    path("start/", views.push_start, name="push_start"),
    path("<int:push_id>/progress/", views.push_progress, name="push_progress"),
]
