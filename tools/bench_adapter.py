"""Adapter for ../shared/bench/evaluate.py: ``--matcher tools/bench_adapter.py:Matcher``.

``score``/``score_batch`` compare records (prepared once per id), ``rank``
looks candidates up through the blocking index (built once per candidate list)
and ``score_name`` compares two given names.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from matching.bench.adapter import BenchMatcher


class Matcher(BenchMatcher):
    name = "matching (this project)"


def make_matcher() -> Any:
    return Matcher()
