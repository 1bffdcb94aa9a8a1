"""The app factory and configuration."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from tracing import create_app
from tracing.config import load_config


def test_environment_overrides_defaults() -> None:
    config = load_config(
        environ={"TRACING_SESSION_IDLE_MINUTES": "7", "TRACING_COOKIE_SECURE": "no"}
    )
    assert config["SESSION_IDLE_MINUTES"] == 7
    assert config["COOKIE_SECURE"] is False


def test_explicit_config_wins_over_environment() -> None:
    config = load_config({"PAGE_SIZE": 3}, environ={"TRACING_PAGE_SIZE": "9"})
    assert config["PAGE_SIZE"] == 3


def test_bad_environment_value_names_the_variable() -> None:
    with pytest.raises(ValueError, match="TRACING_COOKIE_SECURE"):
        load_config(environ={"TRACING_COOKIE_SECURE": "perhaps"})


def test_secret_key_from_environment_is_used(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TRACING_SECRET_KEY", "from-the-environment-" + "y" * 20)
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["SECRET_KEY"].startswith("from-the-environment-")
    assert not (tmp_path / "secret_key").exists()


def test_without_secret_a_private_instance_secret_is_created(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("TRACING_SECRET_KEY", raising=False)
    first = create_app({"INSTANCE_PATH": str(tmp_path)})
    second = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_cookies_are_secure_and_http_only(app: Flask) -> None:
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_pages_carry_security_headers(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/")
    assert response.status_code == 200
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
