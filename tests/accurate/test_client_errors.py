"""Every kind of failure, from canned answers at the seam."""

import pytest

from accurate import AccurateClient, AccurateError, ErrorKind
from accurate.errors import error_from_messages

from .fakes import (
    SESSION_EXPIRED,
    TOKEN_EXPIRED,
    CountingProvider,
    RecordingLimiter,
    StubSeam,
    answer,
    ok,
    refused,
)

INVOICE = {"number": "JKT01-ORD-0001", "transDate": None, "customerNo": "C-POS"}
RATE_MESSAGE = "Jumlah request API melebihi toleransi yang diperbolehkan, silakan coba beberapa saat lagi"


def fail(*answers, rate_limit_retries=0):
    seam = StubSeam(list(answers))
    limiter = RecordingLimiter()
    client = AccurateClient(CountingProvider(), seam, limiter, rate_limit_retries=rate_limit_retries)
    with pytest.raises(AccurateError) as caught:
        client.save("sales-invoice", INVOICE)
    return caught.value, limiter


def test_http_429_is_rate_limited_and_slows_the_limiter_down():
    error, limiter = fail(answer(429, text="Too Many Requests", **{"Retry-After": "2"}))

    assert (error.kind, error.retryable, error.http_status) == (ErrorKind.rate_limited, True, 429)
    assert limiter.slow_downs == [("conn-1", 2.0)]


def test_the_rate_message_with_http_200_is_rate_limited_too():
    error, limiter = fail(refused(RATE_MESSAGE))

    assert (error.kind, error.messages) == (ErrorKind.rate_limited, [RATE_MESSAGE])
    assert limiter.slow_downs == [("conn-1", 1.0)]


def test_a_rate_limited_request_is_tried_again_once_after_the_pause():
    seam = StubSeam([answer(429, text=""), ok(r={"id": 7, "number": "JKT01-ORD-0001"})])
    limiter = RecordingLimiter()

    result = AccurateClient(CountingProvider(), seam, limiter).save("sales-invoice", INVOICE)

    assert (result.id, result.number) == (7, "JKT01-ORD-0001")
    assert limiter.slots == ["conn-1", "conn-1"]
    assert limiter.slow_downs == [("conn-1", 1.0)]


def test_an_expired_session_twice_is_session_expired():
    error, _ = fail(SESSION_EXPIRED, SESSION_EXPIRED)

    assert (error.kind, error.retryable, error.messages) == (
        ErrorKind.session_expired,
        True,
        ["Data Session Key tidak tepat"],
    )


def test_an_invalid_token_twice_is_token_invalid_and_not_retryable():
    error, _ = fail(TOKEN_EXPIRED, TOKEN_EXPIRED)

    assert (error.kind, error.retryable, error.http_status) == (ErrorKind.token_invalid, False, 401)


def test_a_missing_scope_answers_xml_and_is_insufficient_scope():
    xml = (
        "<oauth><error_description>Insufficient scope for this resource</error_description>"
        "<error>insufficient_scope</error></oauth>"
    )

    error, _ = fail(answer(403, text=xml))

    assert (error.kind, error.retryable, error.http_status) == (ErrorKind.insufficient_scope, False, 403)
    assert "approve every permission" in str(error)


@pytest.mark.parametrize("status", [500, 502, 503])
def test_a_server_error_is_unavailable(status):
    error, _ = fail(answer(status, text="<html>Bad Gateway</html>"))

    assert (error.kind, error.retryable, error.http_status) == (ErrorKind.unavailable, True, status)


def test_a_gateway_timeout_on_a_write_is_unclear():
    error, _ = fail(answer(504, text="Gateway Timeout"))

    assert (error.kind, error.retryable) == (ErrorKind.unclear, True)


def test_a_used_number_is_duplicate_number_with_that_number():
    error, _ = fail(refused("Sudah ada data lain dengan No JKT01-ORD-0001"))

    assert (error.kind, error.retryable, error.number) == (
        ErrorKind.duplicate_number,
        False,
        "JKT01-ORD-0001",
    )
    assert str(error) == "Accurate: Sudah ada data lain dengan No JKT01-ORD-0001"


def test_a_quoted_number_with_a_full_stop_is_read_without_them():
    error, _ = fail(refused('Sudah ada data lain dengan No "JKT01-ORD-0001".'))

    assert error.number == "JKT01-ORD-0001"


def test_any_other_refusal_is_validation_with_accurate_messages():
    messages = ["Barang [SKU-9] tidak ditemukan", "Invalid field value for field transDate"]

    error, _ = fail(refused(*messages))

    assert (error.kind, error.retryable, error.messages, error.http_status) == (
        ErrorKind.validation,
        False,
        messages,
        200,
    )
    assert str(error) == "Accurate: Barang [SKU-9] tidak ditemukan; Invalid field value for field transDate"


def test_a_success_status_with_s_false_is_never_taken_as_success():
    error, _ = fail(answer(200, {"s": False}))

    assert error.kind is ErrorKind.validation


def test_a_write_answered_with_something_not_json_is_unclear():
    error, _ = fail(answer(200, text="<html>maintenance</html>"))

    assert error.kind is ErrorKind.unclear


def test_a_missing_record_is_not_found():
    seam = StubSeam([refused("Data tidak ditemukan atau sudah dihapus")])
    client = AccurateClient(CountingProvider(), seam, RecordingLimiter())

    with pytest.raises(AccurateError) as caught:
        client.detail("sales-invoice", number="JKT01-ORD-0404")

    assert (caught.value.kind, caught.value.retryable) == (ErrorKind.not_found, False)
    assert caught.value.messages == ["Data tidak ditemukan atau sudah dihapus"]
    assert seam.requests[0].params == {"number": "JKT01-ORD-0404"}


def test_the_limiter_giving_up_is_rate_limited_and_not_tried_again():
    seam = StubSeam([AccurateError(ErrorKind.rate_limited, ["waited"]), ok(r={"id": 1})])
    client = AccurateClient(CountingProvider(), seam, RecordingLimiter())

    with pytest.raises(AccurateError) as caught:
        client.save("sales-invoice", INVOICE)

    assert caught.value.kind is ErrorKind.rate_limited
    assert len(seam.requests) == 1


def test_a_duplicate_named_by_another_key_field_is_a_duplicate_of_the_sent_number():
    from accurate.errors import error_from_messages

    error = error_from_messages(["Sudah ada data lain dengan Kode Barang KOPI-1"], sent_number="KOPI-1")

    assert (error.kind, error.number, error.retryable) == (ErrorKind.duplicate_number, "KOPI-1", False)


@pytest.mark.parametrize(
    ("message", "field", "value"),
    [
        ("Sudah ada data lain dengan UPC/Barcode 8991234567890", "UPC/Barcode", "8991234567890"),
        ('Sudah ada data lain dengan Barcode "8990001".', "Barcode", "8990001"),
        ("Sudah ada data lain dengan Nama Barang Kopi Susu", "Nama Barang", "Kopi Susu"),
        ("Sudah ada data lain dengan NPWP 01.234.567", "NPWP 01.234.567", ""),  # a field not known
    ],
)
def test_a_clash_on_another_field_is_not_already_there_and_names_the_field(message, field, value):
    error = error_from_messages([message], sent_number="KOPI-1")

    assert (error.kind, error.clash, error.number, error.retryable) == (
        ErrorKind.duplicate_value,
        (field, value),
        None,
        False,
    )
    assert str(error) == f"Accurate already has another record with {field} {value}."


@pytest.mark.parametrize(
    ("message", "number"),
    [
        ("Sudah ada data lain dengan No JKT01-ORD-0001", "JKT01-ORD-0001"),
        ("Sudah ada data lain dengan Kode Barang KOPI-1", "KOPI-1"),
        ("Sudah ada data lain dengan Nama Gudang Gudang Utama", "Gudang Utama"),
        ("sudah ada data lain dengan no: X-1", "X-1"),
    ],
)
def test_a_clash_on_the_records_own_key_is_already_there(message, number):
    error = error_from_messages([message], sent_number="sent")

    assert (error.kind, error.number, error.clash) == (ErrorKind.duplicate_number, number, None)
