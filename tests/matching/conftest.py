from __future__ import annotations

import os
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent


def dev_set_path() -> Path | None:
    env = os.environ.get("MATCHING_DEV_SET")
    for cand in ([Path(env)] if env else []) + [
        REPO.parent / "shared" / "bench" / "data",
        REPO / ".." / "shared" / "bench" / "data",
    ]:
        if (cand / "name_pairs.jsonl").exists():
            return cand
    return None


@pytest.fixture
def dev_set() -> Path:
    path = dev_set_path()
    if path is None:
        pytest.skip("development set not available (set MATCHING_DEV_SET)")
    return path
