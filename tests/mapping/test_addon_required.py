"""Connect and every page and action of the add-on need the add-on activated (Apps → All apps).

Until then each sends the member to the Apps page with the reason and changes nothing: no connect
state, no released rows, no push, no export.
"""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.contrib.sessions.backends.db import SessionStore

from mapping.models import AddOn, Connection
from mapping.services.connection import STATE_SESSION_KEY, addon_activate, connect_start
from mapping.services.errors import ConnectError
from sync.models import ProductPush, SyncActivity
from tests.mapping.conftest import REDIRECT_URI

pytestmark = pytest.mark.django_db

NOT_ACTIVATED = "Activate the Accurate add-on first (Apps → All apps)."
# Every add-on URL a member can reach, with the method that acts on it. {outlet} and {activity}
# are the tenant's own.
PAGES = [
    ("get", "/apps/accurate/"),
    ("post", "/apps/accurate/connect/"),
    ("get", "/apps/accurate/callback/?code=c&state=s"),
    ("post", "/apps/accurate/database/"),
    ("post", "/apps/accurate/disconnect/"),
    ("post", "/apps/accurate/refresh/"),
    ("post", "/apps/accurate/schedule/"),
    ("get", "/apps/accurate/outlets/{outlet}/"),
    ("post", "/apps/accurate/outlets/{outlet}/"),
    ("post", "/apps/accurate/outlets/{outlet}/deactivate/"),
    ("get", "/apps/accurate/products/problems/"),
    ("post", "/apps/accurate/products/export/"),
    ("get", "/apps/accurate/products/push/"),
    ("post", "/apps/accurate/products/push/start/"),
    ("get", "/apps/accurate/sync-now/"),
    ("post", "/apps/accurate/sync-now/sales/"),
    ("post", "/apps/accurate/sync-now/sales/{outlet}/"),
    ("get", "/apps/accurate/activity/"),
    ("get", "/apps/accurate/activity/export.csv"),
    ("get", "/apps/accurate/activity/statuses/?ids={activity}"),
    ("post", "/apps/accurate/activity/sync-failed/"),
    ("get", "/apps/accurate/activity/{activity}/"),
    ("post", "/apps/accurate/activity/{activity}/sync/"),
]


@pytest.mark.parametrize(("method", "path"), PAGES, ids=[f"{m} {p}" for m, p in PAGES])
def test_every_add_on_page_and_action_waits_for_the_add_on(client, tenant, order_body, method, path):
    tenant.api().post("/api/v1/outlets/JKT01/orders/", order_body(), format="json")
    activity = SyncActivity.objects.get()
    SyncActivity.objects.update(status="failed")
    client.force_login(tenant.owner)
    url = path.format(outlet=tenant.outlet.pk, activity=activity.pk)

    response = getattr(client, method)(url, {"scope": "all"} if method == "post" else None)

    assert (response.status_code, response["Location"]) == (302, "/apps/")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [NOT_ACTIVATED]
    assert STATE_SESSION_KEY not in client.session
    assert list(SyncActivity.objects.values_list("status", "due_at")) == [("failed", None)]
    assert not Connection.objects.exists() and not ProductPush.objects.exists()
    assert not AddOn.objects.exists()


def test_connect_is_refused_until_the_add_on_is_activated(tenant):
    session = SessionStore()

    with pytest.raises(ConnectError, match="Activate the Accurate add-on first"):
        connect_start(store=tenant.store, session=session, redirect_uri=REDIRECT_URI)
    assert STATE_SESSION_KEY not in session

    addon_activate(store=tenant.store, user=tenant.owner)
    assert connect_start(store=tenant.store, session=session, redirect_uri=REDIRECT_URI).startswith("http")
    assert len(session[STATE_SESSION_KEY]) == 1


def test_the_apps_page_itself_is_always_open_and_offers_the_add_on(client, tenant):
    client.force_login(tenant.owner)

    response = client.get("/apps/")

    assert response.status_code == 200
    assert b"Activate" in response.content
