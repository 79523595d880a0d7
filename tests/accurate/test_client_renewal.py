"""An expired token or session is renewed through the provider and the request tried once more."""

import pytest

from accurate import AccurateClient, AccurateError, ErrorKind

from .fakes import SESSION_EXPIRED, TOKEN_EXPIRED, CountingProvider, RecordingLimiter, StubSeam, ok, refused

SAVED = ok(["Faktur berhasil disimpan"], r={"id": 101, "number": "JKT01-ORD-0001"})


def run(*answers):
    provider = CountingProvider()
    seam = StubSeam(list(answers))
    client = AccurateClient(provider, seam, RecordingLimiter())
    return provider, seam, client


def test_it_renews_an_expired_token_once_and_sends_again_with_the_new_one():
    provider, seam, client = run(TOKEN_EXPIRED, SAVED)

    result = client.save("sales-invoice", {"number": "JKT01-ORD-0001"})

    assert (result.id, result.number) == (101, "JKT01-ORD-0001")
    assert (provider.token_renewals, provider.session_renewals) == (1, 0)
    assert [r.headers["Authorization"] for r in seam.requests] == ["Bearer token-0", "Bearer token-1"]


def test_it_renews_an_expired_session_once_and_sends_again_with_the_new_one():
    provider, seam, client = run(SESSION_EXPIRED, SAVED)

    client.save("sales-invoice", {"number": "JKT01-ORD-0001"})

    assert (provider.token_renewals, provider.session_renewals) == (0, 1)
    assert [r.headers["X-Session-ID"] for r in seam.requests] == ["session-0", "session-1"]


def test_an_expired_session_reported_with_http_200_is_renewed_too():
    provider, _, client = run(refused("Data Session Key tidak tepat"), SAVED)

    client.save("sales-invoice", {"number": "JKT01-ORD-0001"})

    assert provider.session_renewals == 1


def test_a_token_refused_after_renewal_is_token_invalid():
    provider, seam, client = run(TOKEN_EXPIRED, TOKEN_EXPIRED)

    with pytest.raises(AccurateError) as caught:
        client.save("sales-invoice", {"number": "JKT01-ORD-0001"})

    assert caught.value.kind is ErrorKind.token_invalid
    assert provider.token_renewals == 1
    assert len(seam.requests) == 2


def test_a_session_refused_after_renewal_is_session_expired():
    provider, seam, client = run(SESSION_EXPIRED, SESSION_EXPIRED)

    with pytest.raises(AccurateError) as caught:
        client.list("branch", fields=["id", "name"]).__next__()

    assert caught.value.kind is ErrorKind.session_expired
    assert provider.session_renewals == 1
    assert len(seam.requests) == 2


def test_an_expired_token_then_an_expired_session_renews_each_once():
    provider, seam, client = run(TOKEN_EXPIRED, SESSION_EXPIRED, SAVED)

    client.save("sales-invoice", {"number": "JKT01-ORD-0001"})

    assert (provider.token_renewals, provider.session_renewals) == (1, 1)
    assert (seam.requests[-1].headers["Authorization"], seam.requests[-1].headers["X-Session-ID"]) == (
        "Bearer token-1",
        "session-1",
    )


def test_a_refused_renewal_is_raised_as_it_is():
    provider, seam, client = run(TOKEN_EXPIRED)

    def refuse(stale):
        raise AccurateError(ErrorKind.token_invalid, ["invalid_grant"], http_status=400)

    provider.renew_token = refuse

    with pytest.raises(AccurateError) as caught:
        client.save("sales-invoice", {"number": "JKT01-ORD-0001"})

    assert (caught.value.kind, caught.value.messages, caught.value.http_status) == (
        ErrorKind.token_invalid,
        ["invalid_grant"],
        400,
    )
    assert len(seam.requests) == 1
