"""The sync's pages on the add-on, included at apps/accurate/ next to mapping's (sync reads mapping,
never the other way round)."""

from django.urls import path

from sync import views, views_schedule

app_name = "sync"

urlpatterns = [
    path("products/push/", views.push_page, name="push"),
    path("products/push/start/", views.push_start, name="push_start"),
    path("products/push/<int:push_id>/progress/", views.push_progress, name="push_progress"),
    path("sync-now/", views_schedule.sync_now_page, name="sync_now"),
    path("sync-now/<slug:what>/", views_schedule.sync_now_run, name="sync_now_all"),
    path("sync-now/<slug:what>/<int:outlet_id>/", views_schedule.sync_now_run, name="sync_now_outlet"),
]
