"""Signing in to the workspace from tests, the way a browser does: the login page first
(it sets the login CSRF cookie), then the form."""

from __future__ import annotations

import re

from starlette.testclient import TestClient


def login_csrf(client: TestClient) -> str:
    """The CSRF token of a fresh login form."""
    found = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
    assert found, "the login form has no CSRF field"
    return found.group(1)


def login(client: TestClient, email: str, password: str, **extra: str) -> int:
    """Post the login form; returns the status code (303 on success)."""
    data = {"email": email, "password": password, "next": "/", "csrf": login_csrf(client)}
    data.update(extra)
    return client.post("/login", data=data, follow_redirects=False).status_code


def session_csrf(client: TestClient, path: str = "/") -> str:
    """The signed-in session's CSRF token, read from a page's forms."""
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert found, f"no CSRF field on {path}"
    return found.group(1)
