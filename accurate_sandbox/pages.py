"""The account host's HTML: the login form, the consent page and the error page."""

from __future__ import annotations

from html import escape

STYLE = (
    "body{font-family:sans-serif;max-width:28rem;margin:3rem auto}label,button{display:block;margin:.5rem 0}"
)


def page(title: str, body: str) -> str:
    return (
        f'<!doctype html><html lang="id"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f"<style>{STYLE}</style></head><body><h1>{escape(title)}</h1>{body}</body></html>"
    )


def hidden(fields: dict[str, str]) -> str:
    return "".join(
        f'<input type="hidden" name="{escape(name)}" value="{escape(value)}">'
        for name, value in fields.items()
    )


def login_page(fields: dict[str, str], error: str = "") -> str:
    message = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    form = (
        f'{message}<form method="post" action="/oauth/login">{hidden(fields)}'
        '<label>Email <input type="email" name="email" autocomplete="username"></label>'
        '<label>Password <input type="password" name="password" autocomplete="current-password"></label>'
        '<button type="submit">Login</button></form>'
    )
    return page("Accurate Online Sandbox: Login", form)


def consent_page(ticket: str, client_id: str, scopes: list[str]) -> str:
    boxes = "".join(
        f'<label><input type="checkbox" name="scope" value="{escape(scope)}" checked> {escape(scope)}</label>'
        for scope in scopes
    )
    form = (
        f"<p>Aplikasi <strong>{escape(client_id)}</strong> meminta akses:</p>"
        f'<form method="post" action="/oauth/consent">{hidden({"ticket": ticket})}{boxes}'
        '<button type="submit" name="decision" value="approve">Give Access</button>'
        '<button type="submit" name="decision" value="cancel">Cancel</button></form>'
    )
    return page("Accurate Online Sandbox: Izin Akses", form)


def error_page(message: str) -> str:
    return page("Accurate Online Sandbox: Error", f'<p class="error">{escape(message)}</p>')
