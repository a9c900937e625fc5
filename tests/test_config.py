"""Settings: production refuses default secrets; secrets can come from files."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from consultant.config import Settings


def test_production_refuses_the_default_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CONSULTANT_SECRET_KEY", raising=False)
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(mode="production")


def test_secret_from_file(tmp_path: Path) -> None:
    secret = tmp_path / "key"
    secret.write_text("s3cr3t-from-file-with-enough-length-0123\n")
    settings = Settings(mode="production", secret_key_file=str(secret))
    assert settings.secret_key == "s3cr3t-from-file-with-enough-length-0123"
    assert not settings.accepts_unknown_senders


def test_embedded_defaults(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path)
    assert settings.db_url == f"sqlite:///{tmp_path.resolve() / 'consultant.db'}"
    assert settings.broker == "filesystem://" and settings.accepts_unknown_senders


def test_embedded_generates_a_private_key_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CONSULTANT_SECRET_KEY", raising=False)
    first = Settings(home=tmp_path)
    key_file = tmp_path / "secret_key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert len(first.secret_key) >= 32
    assert Settings(home=tmp_path).secret_key == first.secret_key
    assert Settings(home=tmp_path / "other").secret_key != first.secret_key


@pytest.mark.parametrize("weak", ["change-me-embedded-only", "changeme", "secret", "short-key"])
def test_weak_or_known_secrets_are_refused(weak: str) -> None:
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(mode="production", secret_key=weak)


def test_old_keys_are_listed_for_verification() -> None:
    current = "c" * 40
    settings = Settings(mode="production", secret_key=current, secret_key_old='["o1", "o2"]')
    assert settings.verification_keys == [current, "o1", "o2"]
    assert Settings(
        mode="production", secret_key=current, secret_key_old="o1, o2"
    ).verification_keys == [current, "o1", "o2"]
