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
