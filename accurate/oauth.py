"""OAuth 2.0 with Accurate's account host, and the account API (databases and their sessions).

Plain functions: everything they need (the seam, the config, the tokens) is passed in.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from accurate.envelope import messages_of, read_envelope, read_json
from accurate.errors import AccurateError, ErrorKind
from accurate.http import HttpAnswer, Seam

# Everything this project uses. Re-authorizing replaces the earlier grant and all its scopes [S], so
# the full set is asked for every time. The API page's list, plus four it leaves out that the design
# needs [U]: sales_return_view (a return is looked up by number before it is posted again, like every
# other document), branch_save / warehouse_save (the outlet mapping can create them in Accurate) and
# glaccount_save (it can create the iSellerPay clearing account too).
SCOPES: tuple[str, ...] = (
    "branch_view",
    "branch_save",
    "warehouse_view",
    "warehouse_save",
    "glaccount_view",
    "glaccount_save",
    "item_view",
    "item_save",
    "customer_view",
    "customer_save",
    "sales_invoice_view",
    "sales_invoice_save",
    "sales_receipt_view",
    "sales_receipt_save",
    "sales_return_view",
    "sales_return_save",
    "item_transfer_view",
    "item_transfer_save",
    "item_adjustment_view",
    "item_adjustment_save",
    "stock_opname_result_save",
    "other_deposit_view",
    "other_deposit_save",
    # iSellerPay payouts (a bank transfer and an other payment) and a refund's money out [S].
    "bank_transfer_view",
    "bank_transfer_save",
    "other_payment_view",
    "other_payment_save",
    # [U] Not on the API page's list: an order voided after it synced takes its documents back out,
    # and Undo a range takes any posted document back out (a refund's money, a payout's too).
    "sales_invoice_delete",
    "sales_receipt_delete",
    "sales_return_delete",
    "item_transfer_delete",
    "item_adjustment_delete",
    "other_deposit_delete",
    "other_payment_delete",
    "bank_transfer_delete",
)

# [U] Replies without `expires_in` are treated as living the ~15 days reported for Accurate's tokens.
DEFAULT_TOKEN_LIFETIME = dt.timedelta(days=15)


@dataclass(frozen=True)
class OAuthConfig:
    account_url: str
    client_id: str
    client_secret: str = ""
    redirect_uri: str = ""

    def __repr__(self) -> str:
        return f"OAuthConfig(account_url={self.account_url!r}, client_id={self.client_id!r})"

    def url(self, path: str) -> str:
        return f"{self.account_url.rstrip('/')}/{path}"


@dataclass(frozen=True)
class AccurateUser:
    id: str
    email: str
    name: str


@dataclass(frozen=True)
class TokenSet:
    access_token: str
    refresh_token: str
    expires_at: dt.datetime
    scopes: frozenset[str]
    # [U] A refresh reply may leave the user out; None then (the caller keeps the one it has).
    user: AccurateUser | None

    def __repr__(self) -> str:
        scopes = sorted(self.scopes)
        return f"TokenSet(expires_at={self.expires_at.isoformat()}, scopes={scopes}, user={self.user})"

    @property
    def missing_scopes(self) -> frozenset[str]:
        """What the merchant did not approve (they may approve only some)."""
        return frozenset(SCOPES) - self.scopes


@dataclass(frozen=True)
class Database:
    id: int
    alias: str
    expired: bool
    trial: bool


@dataclass(frozen=True)
class DbSession:
    host: str
    session: str

    def __repr__(self) -> str:
        return f"DbSession(host={self.host!r})"


def authorize_url(config: OAuthConfig, state: str) -> str:
    """Where the merchant's browser goes to log in to Accurate and approve the scopes."""
    query = urlencode(
        {
            "client_id": config.client_id,
            "response_type": "code",
            "redirect_uri": config.redirect_uri,
            "scope": " ".join(SCOPES),
            "state": state,
        },
        quote_via=quote,  # spaces as %20, which every server reads as a space
    )
    return f"{config.url('oauth/authorize')}?{query}"


def exchange_code(seam: Seam, config: OAuthConfig, code: str) -> TokenSet:
    """The tokens for the code Accurate sent back to the redirect URI."""
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": config.redirect_uri}
    return _token_request(seam, config, data)


def refresh_token(seam: Seam, config: OAuthConfig, refresh_token: str) -> TokenSet:
    """New tokens. The refresh token is single-use and the old access token dies at once [S]:
    call this under a lock, after re-reading the stored tokens."""
    data = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    return _token_request(seam, config, data)


def _token_request(seam: Seam, config: OAuthConfig, data: dict[str, str]) -> TokenSet:
    answer = seam.send(
        "POST", config.url("oauth/token"), data=data, auth=(config.client_id, config.client_secret)
    )
    if answer.status == 429:
        raise AccurateError(ErrorKind.rate_limited, http_status=429)
    if answer.status >= 500:
        raise AccurateError(ErrorKind.unavailable, http_status=answer.status)
    body = _json_object(answer)
    if answer.status >= 400 or "access_token" not in body:
        # invalid_grant (a used or revoked refresh token, a stale code), invalid_client: connecting
        # again is the only way on.
        reason = [str(body.get(key)) for key in ("error", "error_description") if body.get(key)]
        raise AccurateError(ErrorKind.token_invalid, reason, http_status=answer.status)
    return _token_set(body)


def _token_set(body: dict[str, Any]) -> TokenSet:
    lifetime = (
        dt.timedelta(seconds=int(body["expires_in"])) if body.get("expires_in") else DEFAULT_TOKEN_LIFETIME
    )
    scope = body.get("scope")
    # [U] Granted scopes come space separated; commas are accepted too. Without `scope` in the reply
    # everything asked for is assumed granted (a missing scope still shows as insufficient_scope).
    scopes = frozenset(str(scope).replace(",", " ").split()) if scope is not None else frozenset(SCOPES)
    user_body = body.get("user")
    user = None
    if isinstance(user_body, dict):
        user = AccurateUser(
            id=str(user_body.get("id", "")),
            email=str(user_body.get("email") or ""),
            name=str(user_body.get("name") or ""),
        )
    return TokenSet(
        access_token=str(body["access_token"]),
        refresh_token=str(body.get("refresh_token") or ""),
        expires_at=dt.datetime.now(dt.UTC) + lifetime,
        scopes=scopes,
        user=user,
    )


def _json_object(answer: HttpAnswer) -> dict[str, Any]:
    try:
        body = json.loads(answer.text)
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


# --- account API: the merchant's databases ("Data Usaha") and their sessions ---


def _account_get(
    seam: Seam, config: OAuthConfig, access_token: str, path: str, **params: Any
) -> dict[str, Any]:
    answer = seam.send(
        "GET", config.url(path), params=params or None, headers={"Authorization": f"Bearer {access_token}"}
    )
    return read_envelope(answer, method="GET")


def db_list(seam: Seam, config: OAuthConfig, access_token: str) -> list[Database]:
    """The databases this Accurate user can open."""
    body = _account_get(seam, config, access_token, "api/db-list.do")
    return [
        Database(
            id=int(row["id"]),
            alias=str(row.get("alias") or ""),
            # [U] field names for an expired licence and a trial database.
            expired=bool(row.get("expired", False)),
            trial=bool(row.get("trial", False)),
        )
        for row in body.get("d") or []
    ]


def open_db(seam: Seam, config: OAuthConfig, access_token: str, db_id: int) -> DbSession:
    """A session on one database, and the data host that serves it (never hard-coded)."""
    return _db_session(_account_get(seam, config, access_token, "api/open-db.do", id=db_id))


def check_session(seam: Seam, config: OAuthConfig, access_token: str, session: str) -> bool:
    """Whether a database session still works. [U] `d` is taken as the answer when it is a bool."""
    answer = seam.send(
        "GET",
        config.url("api/db-check-session.do"),
        params={"session": session},
        headers={"Authorization": f"Bearer {access_token}"},
    )
    body = read_json(answer, method="GET")
    if body.get("s") is not True:
        return False
    value = body.get("d")
    return value if isinstance(value, bool) else True


def refresh_session(
    seam: Seam, config: OAuthConfig, access_token: str, db_id: int, session: str
) -> DbSession:
    """A new session (and host) for a database whose session expired."""
    body = _account_get(seam, config, access_token, "api/db-refresh-session.do", id=db_id, session=session)
    return _db_session(body)


def _db_session(body: dict[str, Any]) -> DbSession:
    # open-db.do puts `host` and `session` at the top level [C]. [U] db-refresh-session.do may put them
    # in `d`; both places are read.
    d = body.get("d")
    inner: dict[str, Any] = d if isinstance(d, dict) else {}
    host = body.get("host") or inner.get("host")
    session = body.get("session") or inner.get("session")
    if not host or not session:
        raise AccurateError(
            ErrorKind.unavailable, ["no host or session in the answer", *messages_of(body.get("d"))]
        )
    return DbSession(host=str(host).rstrip("/"), session=str(session))
