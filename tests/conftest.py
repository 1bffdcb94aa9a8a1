"""Shared test settings: where the shared development material lives, if anywhere."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# ../shared is present on developer machines and in CI; tests that read it skip elsewhere.
SHARED = Path(os.environ.get("TRACING_SHARED_DIR", REPO.parent / "shared"))
