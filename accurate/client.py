"""`AccurateClient`: the data calls on `{host}/accurate/api/<module>/<action>.do`.

The only code that knows Accurate's data URLs and envelope. Every request goes through the rate
limiter; an expired token or session is renewed through the provider and the request tried once more.
"""

from __future__ import annotations

import builtins
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from accurate import encoding, metrics
from accurate.credentials import CredentialProvider, Credentials
from accurate.envelope import envelope_error, read_envelope, read_json
from accurate.errors import AccurateError, ErrorKind
from accurate.http import HttpAnswer, Seam
from accurate.ratelimit import RateLimiter

BULK_LIMIT = 100  # records per bulk-save.do call [S]
# [U] The method of delete.do is not on the API page; Accurate's reference lists it as DELETE.
DELETE_METHOD = "DELETE"
# How long starts pause when Accurate says "too many requests" and gives no Retry-After.
RATE_LIMIT_PAUSE = 1.0
FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class SaveResult:
    id: int
    number: str | None
    record: dict[str, Any] = field(repr=False)


@dataclass(frozen=True)
class RecordResult:
    ok: bool
    id: int | None
    number: str | None
    error: AccurateError | None
    record: dict[str, Any] = field(default_factory=dict, repr=False)
    # Accurate's own total of the saved document (`r.totalAmount`), when the answer carries it.
    total_amount: Decimal | None = None


@dataclass
class Answered:
    """How Accurate answered one client: requests sent and seconds spent waiting for their answers
    (the rate limiter's wait excluded), failed requests included. The engine reads it per batch to
    tell a slow Accurate from a busy limiter (sync/engine/fairness.py)."""

    requests: int = 0
    seconds: float = 0.0


class AccurateClient:
    def __init__(
        self, provider: CredentialProvider, seam: Seam, limiter: RateLimiter, *, rate_limit_retries: int = 1
    ) -> None:
        self.provider = provider
        self.seam = seam
        self.limiter = limiter
        # A rate-limited request was refused, not processed: repeating it (after the pause) is safe.
        self.rate_limit_retries = rate_limit_retries
        self.answered = Answered()
        # Told each request's answer time as it comes (the engine marks a slow Accurate at once).
        self.on_answer: Callable[[float], None] | None = None

    # --- the calls ---

    def list(
        self,
        module: str,
        fields: Sequence[str] = ("id",),
        filters: Mapping[str, Any] | None = None,
        page_size: int = 100,
    ) -> Iterator[dict[str, Any]]:
        """Every row of `module`, page after page (fetched as the iterator is consumed)."""
        base: builtins.list[tuple[str, str]] = [("fields", ",".join(fields))]
        base += encoding.filter_params(filters or {})
        page = 1
        while True:
            params = [*base, ("sp.page", str(page)), ("sp.pageSize", str(page_size))]
            body = self._call("GET", module, "list", params=params)
            rows = body.get("d") or []
            yield from rows
            page_count = int((body.get("sp") or {}).get("pageCount") or 0)
            if not rows or page >= page_count:
                return
            page += 1

    def detail(self, module: str, *, id: int | None = None, number: str | None = None) -> dict[str, Any]:
        """One record by id or by number. A missing record (s: false) raises not_found."""
        if (id is None) == (number is None):
            raise ValueError("give exactly one of id and number")
        params = {"id": str(id)} if id is not None else {"number": str(number)}
        try:
            body = self._call("GET", module, "detail", params=params)
        except AccurateError as exc:
            # detail.do answers a missing or deleted record with 200 and s: false [S]; nothing else
            # in the request can be invalid.
            if exc.kind is ErrorKind.validation:
                raise AccurateError(ErrorKind.not_found, exc.messages, http_status=exc.http_status) from exc
            raise
        record = body.get("d")
        if not isinstance(record, dict):
            raise AccurateError(ErrorKind.not_found, http_status=200)
        return record

    def save(self, module: str, record: Mapping[str, Any]) -> SaveResult:
        """Create (no `id`) or update (with `id`) one record; the saved one comes back from `r`."""
        return self._save(module, "save", record)

    def save_target_quantity(self, record: Mapping[str, Any]) -> SaveResult:
        """A stock take: Accurate adjusts each item's stock to the counted `targetQuantity`."""
        return self._save("item-adjustment", "save-target-quantity", record)

    def _save(self, module: str, action: str, record: Mapping[str, Any]) -> SaveResult:
        number = _number_of(record)
        body = self._call("POST", module, action, data=encoding.flatten(record), sent_number=number)
        saved = body.get("r")
        if not isinstance(saved, dict) or saved.get("id") is None:
            # s: true without the record: saved, but we cannot bind it. Look it up by number.
            raise AccurateError(ErrorKind.unclear, ["saved without an id in the answer"])
        return SaveResult(id=int(saved["id"]), number=_number_of(saved) or number, record=saved)

    def bulk_save(self, module: str, records: Sequence[Mapping[str, Any]]) -> builtins.list[RecordResult]:
        """Up to 100 records in one call; one result per record, in order."""
        if len(records) > BULK_LIMIT:
            raise ValueError(f"bulk-save takes at most {BULK_LIMIT} records, got {len(records)}")
        if not records:
            return []
        body = self._call("POST", module, "bulk-save", data=encoding.bulk_body(records), bulk=True)
        answers = body.get("d")
        if not isinstance(answers, builtins.list):
            answers = []
        return [
            _record_result(answers[index] if index < len(answers) else None, record)
            for index, record in enumerate(records)
        ]

    def delete(self, module: str, id: int) -> None:
        self._call(DELETE_METHOD, module, "delete", params={"id": str(id)})

    # --- one request, with the retries that are always safe ---

    def _call(
        self,
        method: str,
        module: str,
        action: str,
        *,
        params: Any = None,
        data: Any = None,
        sent_number: str | None = None,
        bulk: bool = False,
    ) -> dict[str, Any]:
        # Encoded once, before any slot is taken: a slot spans the request alone, so the starts
        # Accurate sees are as far apart as the limiter spaced them.
        body = None if data is None else urlencode(data).encode()
        credentials = self.provider.current()
        token_renewed = session_renewed = False
        rate_retries = self.rate_limit_retries
        while True:
            try:
                return self._send(credentials, method, module, action, params, body, sent_number, bulk)
            except AccurateError as exc:
                # Each of these answers means Accurate refused the request without doing it.
                if exc.kind is ErrorKind.token_invalid and not token_renewed:
                    credentials, token_renewed = self.provider.renew_token(credentials), True
                elif exc.kind is ErrorKind.session_expired and not session_renewed:
                    credentials, session_renewed = self.provider.renew_session(credentials), True
                elif exc.kind is ErrorKind.rate_limited and exc.http_status is not None and rate_retries > 0:
                    rate_retries -= 1  # the limiter was told to pause; the next slot waits for it
                else:
                    raise

    def _send(
        self,
        credentials: Credentials,
        method: str,
        module: str,
        action: str,
        params: Any,
        body: bytes | None,
        sent_number: str | None,
        bulk: bool,
    ) -> dict[str, Any]:
        url = f"{credentials.host}/accurate/api/{module}/{action}.do"
        headers = {"Authorization": f"Bearer {credentials.access_token}", "X-Session-ID": credentials.session}
        if body is not None:
            headers["Content-Type"] = FORM
        with self.limiter.slot(credentials.limiter_key):
            sent = time.monotonic()
            try:
                answer = self.seam.send(method, url, params=params, data=body, headers=headers)
            finally:
                took = time.monotonic() - sent
                self.answered.requests += 1
                self.answered.seconds += took
                if self.on_answer is not None:
                    self.on_answer(took)
        try:
            if bulk:
                return _bulk_envelope(answer, method)
            return read_envelope(answer, method=method, sent_number=sent_number)
        except AccurateError as exc:
            if exc.kind is ErrorKind.rate_limited:
                metrics.rate_limited_observe()
                self.limiter.slow_down(credentials.limiter_key, _retry_after(answer))
            raise


def _bulk_envelope(answer: HttpAnswer, method: str) -> dict[str, Any]:
    """bulk-save.do: top-level s is false when any record failed [S], so a list of per-record
    answers in `d` is a result, not an error. Messages in `d` (an expired session…) are an error."""
    body = read_json(answer, method=method)
    answers = body.get("d")
    if (
        answer.status < 300
        and isinstance(answers, list)
        and answers
        and all(isinstance(a, dict) for a in answers)
    ):
        return body
    if body.get("s") is True and answer.status < 300:
        return body
    raise envelope_error(body, http_status=answer.status)


def _record_result(answer: Any, record: Mapping[str, Any]) -> RecordResult:
    number = _number_of(record)
    if not isinstance(answer, dict):
        # Fewer answers than records: what happened to this one is unknown.
        error = AccurateError(ErrorKind.unclear, ["no result for this record in the answer"])
        return RecordResult(ok=False, id=None, number=number, error=error)
    r = answer.get("r")
    saved: dict[str, Any] = r if isinstance(r, dict) else {}
    if answer.get("s") is True and saved.get("id") is not None:
        return RecordResult(
            ok=True,
            id=int(saved["id"]),
            number=_number_of(saved) or number,
            error=None,
            record=saved,
            total_amount=amount_of(saved, "totalAmount"),
        )
    if answer.get("s") is True:
        error = AccurateError(ErrorKind.unclear, ["saved without an id in the answer"])
    else:
        error = envelope_error(answer, http_status=200, sent_number=number)
    return RecordResult(ok=False, id=None, number=number, error=error, record=saved)


def amount_of(record: Mapping[str, Any], field: str) -> Decimal | None:
    """A money field of a record as Decimal (JSON numbers are read as Decimal or int), or None when
    it is absent or not a number."""
    value = record.get(field)
    if value is None or isinstance(value, bool):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def _number_of(record: Mapping[str, Any]) -> str | None:
    # Documents carry `number`; items and customers have their code in `no`.
    value = record.get("number", record.get("no"))
    return None if value is None else str(value)


def _retry_after(answer: HttpAnswer) -> float:
    for name, value in answer.headers.items():
        if name.lower() == "retry-after":
            try:
                return min(max(float(value), 0.1), 60.0)
            except ValueError:
                break
    return RATE_LIMIT_PAUSE
