"""PFIF record ids (``domain/unique-string``) for an organisation's own source ids.

PFIF needs a domain in every id; an organisation's own ids usually have none. Exports
prefix them with this installation's domain and the organisation's slug, and imports
take that prefix off again, so a PFIF file this system wrote imports back unchanged.
"""

from __future__ import annotations

from flask import current_app

from tracing.models import Organization


def _prefix(org: Organization) -> str:
    return f"{current_app.config['EXCHANGE_PFIF_DOMAIN']}/{org.slug}/"


def to_exchange(org: Organization, source_id: str) -> str:
    return source_id if "/" in source_id.strip("/") else _prefix(org) + source_id


def from_exchange(org: Organization, exchange_id: str) -> str:
    prefix = _prefix(org)
    if exchange_id.startswith(prefix) and len(exchange_id) > len(prefix):
        return exchange_id[len(prefix) :]
    return exchange_id
