"""The Accurate Online client: OAuth, sessions, one HTTP seam, typed errors, rate limiter. No models.

Plain Python: nothing here reads Django settings; everything it needs is passed in.
"""

from accurate.client import AccurateClient, RecordResult, SaveResult
from accurate.credentials import CredentialProvider, Credentials, StaticCredentials, limiter_key_for
from accurate.encoding import Filter
from accurate.errors import AccurateError, ErrorKind
from accurate.http import HttpAnswer, HttpSeam, Seam
from accurate.oauth import (
    SCOPES,
    AccurateUser,
    Database,
    DbSession,
    OAuthConfig,
    TokenSet,
    authorize_url,
    check_session,
    db_list,
    exchange_code,
    open_db,
    refresh_session,
    refresh_token,
)
from accurate.ratelimit import LocalRateLimiter, RateLimiter, RedisRateLimiter, rate_limiter

__all__ = [
    "SCOPES",
    "AccurateClient",
    "AccurateError",
    "AccurateUser",
    "CredentialProvider",
    "Credentials",
    "Database",
    "DbSession",
    "ErrorKind",
    "Filter",
    "HttpAnswer",
    "HttpSeam",
    "LocalRateLimiter",
    "OAuthConfig",
    "RateLimiter",
    "RecordResult",
    "RedisRateLimiter",
    "SaveResult",
    "Seam",
    "StaticCredentials",
    "TokenSet",
    "authorize_url",
    "check_session",
    "db_list",
    "exchange_code",
    "limiter_key_for",
    "open_db",
    "rate_limiter",
    "refresh_session",
    "refresh_token",
]
