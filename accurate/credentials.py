"""Where the client gets its token and session, and who renews them.

The connection model implements `CredentialProvider` (with a row lock, so one worker refreshes and
the others re-read). `StaticCredentials` is the in-memory one for tests and scripts.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field, replace
from typing import Protocol

from accurate import oauth
from accurate.errors import AccurateError, ErrorKind
from accurate.http import Seam


@dataclass(frozen=True)
class Credentials:
    access_token: str = field(repr=False)
    host: str
    session: str = field(repr=False)
    # An opaque, stable id of the token for the rate limiter (e.g. the connection id), never the token.
    limiter_key: str


class CredentialProvider(Protocol):
    def current(self) -> Credentials:
        """The token and session to use now."""
        ...

    def renew_token(self, stale: Credentials) -> Credentials:
        """Accurate refused `stale.access_token`. Refresh it, unless someone already did (re-read
        under the lock first: a refresh token works once). Raises token_invalid if refused."""
        ...

    def renew_session(self, stale: Credentials) -> Credentials:
        """Accurate refused `stale.session`: get a new one, unless someone already did."""
        ...


def limiter_key_for(secret: str) -> str:
    """A stable opaque key derived from a secret, for callers that have no better id."""
    return "t" + hashlib.sha256(secret.encode()).hexdigest()[:24]


class StaticCredentials:
    """Credentials kept in memory; renews through the account host when given a refresh token."""

    def __init__(
        self,
        *,
        access_token: str,
        host: str,
        session: str,
        limiter_key: str | None = None,
        refresh_token: str = "",
        db_id: int | None = None,
        seam: Seam | None = None,
        config: oauth.OAuthConfig | None = None,
    ) -> None:
        self._credentials = Credentials(
            access_token=access_token,
            host=host.rstrip("/"),
            session=session,
            # The key stays the same across refreshes: the in-flight slots of the old token count.
            limiter_key=limiter_key or limiter_key_for(refresh_token or access_token),
        )
        self.refresh_token = refresh_token
        self.db_id = db_id
        self._seam = seam
        self._config = config
        self._lock = threading.Lock()
        self.token_renewals = 0
        self.session_renewals = 0

    def current(self) -> Credentials:
        with self._lock:
            return self._credentials

    def renew_token(self, stale: Credentials) -> Credentials:
        with self._lock:
            if self._credentials.access_token != stale.access_token:
                return self._credentials  # another thread already renewed it
            if self._seam is None or self._config is None or not self.refresh_token:
                raise AccurateError(ErrorKind.token_invalid, ["no refresh token to renew with"])
            tokens = oauth.refresh_token(self._seam, self._config, self.refresh_token)
            self.refresh_token = tokens.refresh_token or self.refresh_token
            self._credentials = replace(self._credentials, access_token=tokens.access_token)
            self.token_renewals += 1
            return self._credentials

    def renew_session(self, stale: Credentials) -> Credentials:
        with self._lock:
            if self._credentials.session != stale.session:
                return self._credentials
            if self._seam is None or self._config is None or self.db_id is None:
                raise AccurateError(ErrorKind.session_expired, ["no database to open a new session on"])
            token = self._credentials.access_token
            try:
                opened = oauth.refresh_session(self._seam, self._config, token, self.db_id, stale.session)
            except AccurateError as exc:
                if exc.kind is not ErrorKind.session_expired and exc.kind is not ErrorKind.validation:
                    raise
                # The session is past refreshing: open the database again.
                opened = oauth.open_db(self._seam, self._config, token, self.db_id)
            self._credentials = replace(self._credentials, host=opened.host, session=opened.session)
            self.session_renewals += 1
            return self._credentials
