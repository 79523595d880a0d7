"""Contract: the client's OAuth and account calls against the live sandbox."""

import pytest

from accurate import (
    SCOPES,
    AccurateError,
    AccurateUser,
    Database,
    ErrorKind,
    HttpSeam,
    authorize_url,
    check_session,
    db_list,
    exchange_code,
    open_db,
    refresh_session,
    refresh_token,
)

from .contract import DB_ID, code_from, config_for, connect


def test_the_merchant_approves_every_scope_and_the_code_becomes_tokens(sandbox_module):
    sandbox_module.reset()
    config = config_for(sandbox_module)

    redirect = sandbox_module.login_and_authorize(authorize_url(config, "state-xyz"))
    tokens = exchange_code(HttpSeam(), config, code_from(redirect, "state-xyz"))

    assert redirect.startswith(config.redirect_uri + "?")
    assert tokens.scopes == frozenset(SCOPES)
    assert tokens.missing_scopes == frozenset()
    assert tokens.user == AccurateUser(id="1001", email="merchant@sandbox.example", name="Merchant Sandbox")
    assert tokens.access_token and tokens.refresh_token


def test_a_merchant_who_unticks_scopes_is_told_which_are_missing(sandbox_module):
    sandbox_module.reset()
    granted = [scope for scope in SCOPES if scope != "sales_invoice_save"]

    tokens = connect(sandbox_module, scopes=granted).tokens

    assert tokens.missing_scopes == frozenset({"sales_invoice_save"})


def test_a_code_is_good_once(sandbox_module):
    sandbox_module.reset()
    config = config_for(sandbox_module)
    code = code_from(sandbox_module.login_and_authorize(authorize_url(config, "state-1")), "state-1")
    exchange_code(HttpSeam(), config, code)

    with pytest.raises(AccurateError) as caught:
        exchange_code(HttpSeam(), config, code)

    assert (caught.value.kind, caught.value.retryable) == (ErrorKind.token_invalid, False)


def test_the_databases_open_and_their_session_checks(sandbox_module):
    sandbox_module.reset()
    connected = connect(sandbox_module)
    seam, config, token = connected.seam, connected.config, connected.tokens.access_token

    databases = db_list(seam, config, token)
    session = open_db(seam, config, token, DB_ID)

    assert databases == [
        Database(id=101, alias="Kopi Nusantara", expired=False, trial=False),
        Database(id=102, alias="Kopi Nusantara (Trial)", expired=False, trial=True),
    ]
    assert session.host == sandbox_module.url
    assert check_session(seam, config, token, session.session) is True
    renewed = refresh_session(seam, config, token, DB_ID, session.session)
    assert renewed.host == sandbox_module.url
    assert check_session(seam, config, token, renewed.session) is True


def test_a_refresh_kills_the_old_access_token_and_the_refresh_token_is_single_use(sandbox_module):
    sandbox_module.reset()
    connected = connect(sandbox_module)
    seam, config, old = connected.seam, connected.config, connected.tokens

    new = refresh_token(seam, config, old.refresh_token)

    assert new.access_token != old.access_token
    assert [d.id for d in db_list(seam, config, new.access_token)] == [101, 102]
    with pytest.raises(AccurateError) as dead:
        db_list(seam, config, old.access_token)
    assert dead.value.kind is ErrorKind.token_invalid
    with pytest.raises(AccurateError) as used:
        refresh_token(seam, config, old.refresh_token)
    assert (used.value.kind, used.value.retryable) == (ErrorKind.token_invalid, False)
