"""The sync's pages on the add-on, included at apps/accurate/ next to mapping's (sync reads mapping,
never the other way round)."""

from django.urls import path

from sync import views, views_schedule
from sync.activity import views as activity_views
from sync.ranges import views as range_views
from sync.reconcile import views as reconcile_views

app_name = "sync"

urlpatterns = [
    path("products/push/", views.push_page, name="push"),
    path("products/push/start/", views.push_start, name="push_start"),
    path("products/push/<int:push_id>/progress/", views.push_progress, name="push_progress"),
    path("sync-now/", views_schedule.sync_now_page, name="sync_now"),
    path("sync-now/<slug:what>/", views_schedule.sync_now_run, name="sync_now_all"),
    path("sync-now/<slug:what>/<int:outlet_id>/", views_schedule.sync_now_run, name="sync_now_outlet"),
]

urlpatterns += [
    path("activity/", activity_views.activity_list, name="activity"),
    path("activity/export.csv", activity_views.activity_export, name="activity_export"),
    path("activity/statuses/", activity_views.activity_statuses, name="activity_statuses"),
    path("activity/sync-failed/", activity_views.activity_sync_failed, name="activity_sync_failed"),
    path("activity/<int:activity_id>/", activity_views.activity_detail, name="activity_detail"),
    path("activity/<int:activity_id>/sync/", activity_views.activity_sync, name="activity_sync"),
]

urlpatterns += [
    path("reconciliation/", reconcile_views.reconcile_list, name="reconcile"),
    path(
        "reconciliation/<int:outlet_id>/<str:day>/", reconcile_views.reconcile_detail, name="reconcile_detail"
    ),
    path(
        "reconciliation/<int:outlet_id>/<str:day>/check/",
        reconcile_views.reconcile_check,
        name="reconcile_check",
    ),
]

urlpatterns += [
    path("ranges/", range_views.ranges_page, name="ranges"),
    path("ranges/backfill/", range_views.ranges_backfill, name="ranges_backfill"),
    path("ranges/undo/", range_views.ranges_undo, name="ranges_undo"),
    path("ranges/undo/<str:token>/", range_views.ranges_undo_progress, name="ranges_undo_progress"),
]
