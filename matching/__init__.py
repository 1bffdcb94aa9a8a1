"""Cross-script person matching for tracing missing and deported children.

The same child is written Олександр Ковальов by the family, Александр Ковалев by
a Russian registry and Oleksandr Kovalov or Alexander Kowaljow by an NGO.  This
library decides whether two such records describe one person, and says why.

Data flows one way through one module per stage::

    record → normalize → translit → names → features → keys → compare → score → explain

* :mod:`~matching.normalize` — NFKC, case folding, apostrophes, look-alike letters,
  script detection and a language hint;
* :mod:`~matching.translit` — one canonical skeleton every spelling of a name
  meets on (Ukrainian/Russian/Belarusian Cyrillic, the official Latin tables,
  German/French/Polish/Czech/English usage), phonetic codes after it;
* :mod:`~matching.names` and :mod:`~matching.places` — name and place knowledge
  built from real data sources (``matching/data/PROVENANCE.json``);
* :mod:`~matching.keys` — blocking keys, so candidate search is an index lookup;
* :mod:`~matching.compare` — one comparator per kind of evidence;
* :mod:`~matching.score` — Fellegi–Sunter weights, probability and band;
* :mod:`~matching.explain` — reasons ordered by weight, with stable codes.

Public API::

    compare(left, right) -> MatchResult(score, band, reasons)
    prepare(record) -> Features; compare_prepared(left, right)  # prepare once, compare many
    score_prepared(left, right) -> (score, band)  # no reasons: for filtering many pairs
    Index(records).candidates(query, top=10) -> [(record_id, MatchResult), ...]
    blocking_keys(record) -> frozenset[str]; key_weight(key) -> 1..3  # for ranking candidates
    record_from_mapping(mapping) -> Record        # raises RecordError(field, message)
    detect_script(text), language_hint(text), explain_name(a, b)

``python -m matching compare`` and ``python -m matching link`` are the CLI;
``python -m matching.bench`` measures quality and speed.
"""

from matching.explain import MatchResult, Reason
from matching.features import Features, prepare
from matching.index import Index
from matching.keys import CANDIDATES_PER_RECORD, blocking_keys, feature_keys, key_weight
from matching.matcher import (
    MATCHER_VERSION,
    compare,
    compare_prepared,
    explain_name,
    score_prepared,
)
from matching.normalize import detect_script, language_hint, normalize_text
from matching.record import BirthDate, Record, RecordError, record_from_mapping
from matching.score import MATCH_THRESHOLD, REVIEW_THRESHOLD, Band
from matching.translit import skeleton

__all__ = [
    "CANDIDATES_PER_RECORD",
    "MATCHER_VERSION",
    "MATCH_THRESHOLD",
    "REVIEW_THRESHOLD",
    "Band",
    "BirthDate",
    "Features",
    "Index",
    "MatchResult",
    "Reason",
    "Record",
    "RecordError",
    "blocking_keys",
    "compare",
    "compare_prepared",
    "detect_script",
    "explain_name",
    "feature_keys",
    "key_weight",
    "language_hint",
    "normalize_text",
    "prepare",
    "record_from_mapping",
    "score_prepared",
    "skeleton",
]
