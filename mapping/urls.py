"""The Apps page and the Accurate add-on, included at apps/."""

from django.urls import path

from mapping.views import addon, outlets, products

app_name = "mapping"

urlpatterns = [
    path("", addon.apps, name="apps"),
    path("accurate/", addon.addon, name="addon"),
    path("accurate/activate/", addon.activate, name="activate"),
    path("accurate/connect/", addon.connect, name="connect"),
    path("accurate/callback/", addon.callback, name="callback"),
    path("accurate/database/", addon.database, name="database"),
    path("accurate/disconnect/", addon.disconnect_view, name="disconnect"),
    path("accurate/refresh/", addon.refresh, name="refresh"),
    path("accurate/schedule/", addon.schedule_save, name="schedule"),
    path("accurate/outlets/<int:outlet_id>/", outlets.outlet_mapping, name="outlet"),
    path(
        "accurate/outlets/<int:outlet_id>/deactivate/",
        outlets.outlet_deactivate_view,
        name="outlet_deactivate",
    ),
    path("accurate/products/problems/", products.problems, name="product_problems"),
    path("accurate/products/export/", products.export, name="product_export"),
    path("accurate/products/<int:product_id>/sku/", products.sku_set, name="product_sku"),
    path("accurate/products/<int:product_id>/sku/keep/", products.sku_keep, name="product_sku_keep"),
]
