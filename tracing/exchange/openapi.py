"""The OpenAPI 3.1 description of ``/api/v1``; tests keep it true (schemathesis, routes)."""

from __future__ import annotations

from typing import Any

from tracing.models import BatchStatus, Circumstances, ImportFormat, PfifStatus, RecordKind, Sex

VERSION = "1.0.0"


def _text(max_length: int | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": ["string", "null"]}
    if max_length:
        schema["maxLength"] = max_length
    return schema


def _enum(values: list[str]) -> dict[str, Any]:
    return {"type": ["string", "null"], "enum": [*values, None]}


_PARTIAL_DATE = {"type": ["string", "null"], "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"}
_DATE_TIME = {"type": ["string", "null"], "format": "date-time"}
_NAMES = {"type": "array", "items": {"type": "string", "maxLength": 300}, "maxItems": 50}

_PERSON_PROPERTIES: dict[str, Any] = {
    "kind": {"type": "string", "enum": [k.value for k in RecordKind]},
    "full_name": {**_NAMES, "description": "PFIF full_name, one name per item."},
    "given_name": _text(200),
    "family_name": _text(200),
    "patronymic": _text(200),
    "alternate_names": _NAMES,
    "description": _text(),
    "sex": _enum([s.value for s in Sex]),
    "date_of_birth": {**_PARTIAL_DATE, "description": "YYYY, YYYY-MM or YYYY-MM-DD."},
    "age": {"type": ["string", "null"], "pattern": r"^\d{1,3}(-\d{1,3})?$"},
    "birth_place": _text(300),
    "last_seen_place": _text(300),
    "last_seen_date": _PARTIAL_DATE,
    "circumstances": _enum([c.value for c in Circumstances]),
    "distinguishing_marks": _text(),
    "home_street": {**_text(300), "description": "Exact location: export scope only."},
    "home_neighborhood": {**_text(200), "description": "Exact location: export scope only."},
    "home_city": _text(200),
    "home_state": _text(200),
    "home_postal_code": {**_text(32), "description": "Exact location: export scope only."},
    "home_country": _text(8),
    "photo_url": _text(500),
    "profile_urls": {"type": "array", "items": {"type": "string"}, "maxItems": 50},
    "author_name": _text(200),
    "author_email": {**_text(254), "description": "Contact detail: export scope only."},
    "author_phone": {**_text(64), "description": "Contact detail: export scope only."},
    "source_name": _text(200),
    "source_url": _text(500),
    "source_date": {
        **_DATE_TIME,
        "description": "When the source wrote this version; a newer one replaces an older.",
    },
    "expiry_date": _DATE_TIME,
    "consent_tracing": {"type": "boolean"},
    "consent_sharing": {"type": "boolean"},
}

_NOTE_PROPERTIES: dict[str, Any] = {
    "note_record_id": {"type": "string", "minLength": 1, "maxLength": 200},
    "person_record_id": _text(200),
    "linked_person_record_id": {
        **_text(200),
        "description": "The note's author believes this is the same person (a duplicate).",
    },
    "author_name": _text(200),
    "author_email": _text(),
    "author_phone": _text(),
    "source_date": _DATE_TIME,
    "author_made_contact": {"type": ["boolean", "null"]},
    "status": _enum([s.value for s in PfifStatus]),
    "email_of_found_person": _text(),
    "phone_of_found_person": _text(),
    "last_known_location": _text(),
    "text": _text(),
    "photo_url": _text(),
}

_ISSUE = {
    "type": "object",
    "required": ["row", "level", "code", "field", "message"],
    "properties": {
        "row": {"type": "integer"},
        "level": {"type": "string", "enum": ["error", "warning"]},
        "code": {"type": "string"},
        "field": {"type": ["string", "null"]},
        "message": {"type": "string"},
    },
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _schemas() -> dict[str, Any]:
    note_output = {
        "type": "object",
        "properties": {**_NOTE_PROPERTIES, "entry_date": _DATE_TIME},
        "required": ["note_record_id"],
    }
    return {
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["code", "message", "details"],
                    "properties": {
                        "code": {"type": "string"},
                        "message": {"type": "string"},
                        "details": {"type": "array"},
                    },
                }
            },
        },
        "Issue": _ISSUE,
        "NoteInput": {
            "type": "object",
            "properties": _NOTE_PROPERTIES,
            "required": ["note_record_id"],
            "additionalProperties": False,
        },
        "RecordInput": {
            "type": "object",
            "required": ["source_record_id"],
            "additionalProperties": False,
            "properties": {
                "source_record_id": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": 200,
                    "description": "The organisation's own id for this person.",
                },
                **_PERSON_PROPERTIES,
                "notes": {"type": "array", "items": _ref("NoteInput"), "maxItems": 100},
            },
        },
        "Record": {
            "type": "object",
            "required": ["id", "source_record_id", "entry_date", "status", "notes", "provenance"],
            "properties": {
                "id": {"type": "integer"},
                "source_record_id": {"type": "string"},
                **_PERSON_PROPERTIES,
                "kind": {"type": "string", "enum": [k.value for k in RecordKind]},
                "entry_date": {"type": "string", "format": "date-time"},
                "status": _enum([s.value for s in PfifStatus]),
                "notes": {"type": "array", "items": note_output},
                "provenance": {
                    "type": "object",
                    "required": [
                        "organization",
                        "source_record_id",
                        "source_date",
                        "entry_date",
                        "import_batch_id",
                        "imported_by",
                    ],
                    "properties": {
                        "organization": {"type": "string"},
                        "source_record_id": {"type": "string"},
                        "source_date": {"type": "string", "format": "date-time"},
                        "entry_date": {"type": "string", "format": "date-time"},
                        "import_batch_id": {"type": ["integer", "null"]},
                        "imported_by": {"type": ["string", "null"]},
                    },
                },
            },
        },
        "WriteResult": {
            "type": "object",
            "required": ["result", "stale", "record", "warnings"],
            "properties": {
                "result": {"type": "string", "enum": ["created", "updated", "unchanged"]},
                "stale": {
                    "type": "boolean",
                    "description": "The stored version is as new or newer and was kept.",
                },
                "record": _ref("Record"),
                "warnings": {"type": "array", "items": _ref("Issue")},
            },
        },
        "RecordPage": {
            "type": "object",
            "required": ["records", "next_cursor"],
            "properties": {
                "records": {"type": "array", "items": _ref("Record")},
                "next_cursor": {"type": ["string", "null"]},
            },
        },
        "Suggestion": {
            "type": "object",
            "required": ["id", "record_id", "source_record_id", "score", "band", "status"],
            "properties": {
                "id": {"type": "integer"},
                "record_id": {"type": "integer"},
                "source_record_id": {"type": "string"},
                "other_organization": {
                    "type": "string",
                    "description": "Who holds the other record (only its organisation).",
                },
                "score": {"type": "number"},
                "band": {"type": "string"},
                "status": {"type": "string"},
                "reasons": {"type": "array", "items": {"type": "string"}},
                "created_at": {"type": "string", "format": "date-time"},
            },
        },
        "SuggestionPage": {
            "type": "object",
            "required": ["suggestions", "next_cursor"],
            "properties": {
                "suggestions": {"type": "array", "items": _ref("Suggestion")},
                "next_cursor": {"type": ["string", "null"]},
            },
        },
        "ImportReport": {
            "type": "object",
            "required": [
                "dry_run",
                "format",
                "file_sha256",
                "rows",
                "counts",
                "errors",
                "warnings",
                "duplicate_of_batch",
                "batch_id",
                "queued",
            ],
            "properties": {
                "dry_run": {"type": "boolean"},
                "format": {"type": "string", "enum": [f.value for f in ImportFormat]},
                "file_sha256": {"type": "string"},
                "encoding": {"type": ["string", "null"]},
                "rows": {"type": "integer"},
                "counts": _ref("Counts"),
                "errors": {"type": "array", "items": _ref("Issue")},
                "warnings": {"type": "array", "items": _ref("Issue")},
                "duplicate_of_batch": {"type": ["integer", "null"]},
                "batch_id": {"type": ["integer", "null"]},
                "queued": {"type": "boolean"},
            },
        },
        "Counts": {
            "type": "object",
            "required": ["created", "updated", "unchanged", "notes"],
            "properties": {
                name: {"type": "integer", "minimum": 0}
                for name in ("created", "updated", "unchanged", "notes")
            },
        },
        "ImportBatch": {
            "type": "object",
            "required": ["id", "format", "status", "rows", "counts", "imported_by", "created_at"],
            "properties": {
                "id": {"type": "integer"},
                "format": {"type": "string", "enum": [f.value for f in ImportFormat]},
                "status": {"type": "string", "enum": [s.value for s in BatchStatus]},
                "file_sha256": {"type": "string"},
                "size_bytes": {"type": "integer"},
                "rows": {"type": "integer"},
                "counts": _ref("Counts"),
                "imported_by": {"type": "string"},
                "created_at": {"type": "string", "format": "date-time"},
                "finished_at": {"type": ["string", "null"], "format": "date-time"},
                "reverted_at": {"type": ["string", "null"], "format": "date-time"},
            },
        },
        "ImportList": {
            "type": "object",
            "required": ["imports"],
            "properties": {"imports": {"type": "array", "items": _ref("ImportBatch")}},
        },
    }


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": _ref("Error")}},
    }


def _json(description: str, schema: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


_COMMON_ERRORS = {
    "401": _error(
        "No token (token_missing), an unknown one (token_invalid) or a revoked one (token_revoked)."
    ),
    "403": _error("The token lacks the scope this operation needs (insufficient_scope)."),
    "429": _error("Too many requests for this token (rate_limited)."),
}


def _param(
    name: str, schema: dict[str, Any], description: str, *, required: bool = False
) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "schema": schema,
        "description": description,
    }


_LIMIT = _param("limit", {"type": "integer", "minimum": 1, "maximum": 500}, "Page size (100).")
_CURSOR = _param(
    "cursor", {"type": "string", "maxLength": 200}, "next_cursor of the previous page."
)
_FORMAT = _param(
    "format",
    {"type": "string", "enum": [f.value for f in ImportFormat]},
    "csv, jsonl or pfif.",
    required=True,
)
_BOOL = {"type": "string", "enum": ["true", "false"]}


def _paths() -> dict[str, Any]:
    return {
        "/records": {
            "post": {
                "operationId": "upsertRecord",
                "summary": "Create or update a record by the organisation's own source_record_id",
                "description": "A newer source_date replaces the stored version; an older or "
                "equally old one is kept as stored (result unchanged, stale true). Notes are "
                "added once each. Needs the write scope.",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref("RecordInput")}},
                },
                "responses": {
                    "200": _json("Updated or unchanged.", "WriteResult"),
                    "201": _json("Created.", "WriteResult"),
                    "400": _error("The body is not a JSON object (bad_request)."),
                    "422": _error("The record has errors (invalid_record); details are Issues."),
                    **_COMMON_ERRORS,
                },
            },
            "get": {
                "operationId": "changedRecords",
                "summary": "The organisation's records by entry date: a changed-since feed",
                "description": "Oldest entry first, like PFIF's incremental feed; follow "
                "next_cursor until it is null. Needs the read scope; contact details and exact "
                "locations only with the export scope.",
                "parameters": [
                    _param(
                        "since",
                        {"type": "string", "format": "date-time"},
                        "Only records entered or changed at or after this time.",
                    ),
                    _CURSOR,
                    _LIMIT,
                ],
                "responses": {
                    "200": _json("A page of records.", "RecordPage"),
                    "400": _error("A bad parameter (bad_parameter)."),
                    **_COMMON_ERRORS,
                },
            },
        },
        "/records/{record_id}": {
            "get": {
                "operationId": "readRecord",
                "summary": "Read one of the organisation's records",
                "parameters": [
                    {
                        "name": "record_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
                    }
                ],
                "responses": {
                    "200": _json("The record.", "Record"),
                    "404": _error("No such record for this organisation (not_found)."),
                    **_COMMON_ERRORS,
                },
            }
        },
        "/suggestions": {
            "get": {
                "operationId": "listSuggestions",
                "summary": "Match suggestions concerning the organisation's records",
                "parameters": [_CURSOR, _LIMIT],
                "responses": {
                    "200": _json("A page of suggestions.", "SuggestionPage"),
                    "400": _error("A bad parameter (bad_parameter)."),
                    **_COMMON_ERRORS,
                },
            }
        },
        "/imports": {
            "post": {
                "operationId": "importFile",
                "summary": "Import a CSV, JSON Lines or PFIF file: a dry run, or the import",
                "description": "dry_run=true (the default) writes nothing and reports every "
                "error and warning by row. dry_run=false imports the whole file in one "
                "transaction, or nothing if any row has an error. The same file twice changes "
                "nothing. Large files are queued (202). Needs the write scope.",
                "parameters": [
                    _FORMAT,
                    _param("dry_run", _BOOL, "true (default) or false."),
                    _param(
                        "kind",
                        {"type": "string", "enum": [k.value for k in RecordKind]},
                        "Kind of records without a kind field (sought).",
                    ),
                    _param("consent_tracing", _BOOL, "Consent for records without the field."),
                    _param("consent_sharing", _BOOL, "Consent for records without the field."),
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/octet-stream": {
                            "schema": {"type": "string", "format": "binary"}
                        }
                    },
                },
                "responses": {
                    "200": _json("The dry run, or nothing to change.", "ImportReport"),
                    "201": _json("Imported as a new batch.", "ImportReport"),
                    "202": _json("Queued for the background import.", "ImportReport"),
                    "400": _error("A bad parameter (bad_parameter)."),
                    "409": _error("A concurrent import of the same records (import_conflict)."),
                    "413": _error("The body is too large (payload_too_large)."),
                    "422": _json("The file has errors; nothing was imported.", "ImportReport"),
                    **_COMMON_ERRORS,
                },
            },
            "get": {
                "operationId": "listImports",
                "summary": "The organisation's import batches, newest first",
                "parameters": [_LIMIT],
                "responses": {
                    "200": _json("Import batches.", "ImportList"),
                    "400": _error("A bad parameter (bad_parameter)."),
                    **_COMMON_ERRORS,
                },
            },
        },
        "/export": {
            "get": {
                "operationId": "exportRecords",
                "summary": "Export the records the organisation may share",
                "description": "Only records whose consent allows sharing. Contact details and "
                "exact locations only with the export scope. Every export is audited with its "
                "purpose. Needs the read scope.",
                "parameters": [
                    _FORMAT,
                    _param(
                        "purpose",
                        {"type": "string", "minLength": 3, "maxLength": 300},
                        "Why these records are exported (kept in the audit trail).",
                        required=True,
                    ),
                    _param(
                        "delimiter",
                        {"type": "string", "enum": ["comma", "semicolon"]},
                        "CSV only: comma (default) or semicolon (Excel in uk/ru locales).",
                    ),
                ],
                "responses": {
                    "200": {
                        "description": "The export file.",
                        "content": {
                            "text/csv": {"schema": {"type": "string"}},
                            "application/jsonl": {"schema": {"type": "string"}},
                            "application/xml": {"schema": {"type": "string"}},
                        },
                    },
                    "400": _error(
                        "A bad parameter, or no purpose (bad_parameter, purpose_required)."
                    ),
                    **_COMMON_ERRORS,
                },
            }
        },
    }


def document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Child tracing: record exchange API",
            "version": VERSION,
            "description": "Organisations send and fetch records with their own tokens "
            "(Authorization: Bearer trc_…), created by their administrators. Every error "
            'is {"error": {"code", "message", "details"}}.',
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"organisationToken": []}],
        "components": {
            "securitySchemes": {
                "organisationToken": {"type": "http", "scheme": "bearer"},
            },
            "schemas": _schemas(),
        },
        "paths": _paths(),
    }
