"""The exchange API for organisations: ``/api/v1``, organisation tokens, one error shape.

Every answer that is not a success is ``{"error": {"code", "message", "details"}}``;
the codes are listed in the OpenAPI document (``/api/v1/openapi.json``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Blueprint, Response, current_app, g, jsonify, request
from flask.typing import ResponseReturnValue
from flask_limiter.util import get_remote_address
from sqlalchemy.exc import IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException

from tracing.db import db
from tracing.exchange import openapi
from tracing.exchange.jsonl import record_to_json, row_from_json
from tracing.exchange.messages import describe
from tracing.exchange.validation import Issue, check_rows
from tracing.models import (
    ApiToken,
    AuditTag,
    ImportBatch,
    ImportFormat,
    PersonRecord,
    RecordKind,
    TokenScope,
)
from tracing.security import limiter
from tracing.services import linking
from tracing.services.audit import audit
from tracing.services.exchange import exporter, importer, suggestions, tokens
from tracing.services.exchange.importer import ImportOptions, ImportReport
from tracing.services.exchange.writing import (
    Outcome,
    Writer,
    find_records,
    known_note_ids,
    resolve_links,
    write,
)

PREFIX = "/api/v1"
bp = Blueprint("api", __name__, url_prefix=PREFIX)

F = TypeVar("F", bound=Callable[..., ResponseReturnValue])
MAX_PAGE = 500
MAX_ID = 2**31 - 1  # database integer ids (larger numbers name no record)
DEFAULT_PAGE = 100


class ApiError(Exception):
    def __init__(
        self, status: int, code: str, message: str, details: list[Any] | None = None
    ) -> None:
        super().__init__(code)
        self.status, self.code, self.message, self.details = status, code, message, details or []


def error_response(
    status: int, code: str, message: str, details: list[Any] | None = None
) -> Response:
    response = jsonify({"error": {"code": code, "message": message, "details": details or []}})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


HTTP_CODES = {
    400: ("bad_request", "The request is not understood."),
    404: ("not_found", "There is no such resource."),
    405: ("method_not_allowed", "This method is not allowed here."),
    413: ("payload_too_large", "The request body is too large."),
    429: ("rate_limited", "Too many requests: wait a little and try again."),
    500: ("server_error", "Something went wrong on our side; nothing was saved."),
}


def http_error(error: HTTPException) -> Response:
    """Any HTTP error under /api/ in the API's JSON shape (used by the app's handlers)."""
    status = error.code or 500
    code, message = HTTP_CODES.get(status, ("error", error.description or "Error"))
    response = error_response(status, code, message)
    if status == 405 and error.valid_methods:  # type: ignore[attr-defined]
        response.headers["Allow"] = ", ".join(error.valid_methods)  # type: ignore[attr-defined]
    return response


@bp.errorhandler(ApiError)
def _api_error(error: ApiError) -> Response:
    db.session.rollback()
    return error_response(error.status, error.code, error.message, error.details)


def _rate_key() -> str:
    # per token (before it is looked up: a refused token counts against itself)
    secret = request.headers.get("Authorization", "").partition(" ")[2].strip()
    if secret:
        return "token:" + hashlib.sha256(secret.encode()).hexdigest()[:32]
    return "addr:" + get_remote_address()


limiter.limit(lambda: current_app.config["RATELIMIT_API"], key_func=_rate_key)(bp)


@bp.before_request
def _authenticate() -> None:
    if request.endpoint == "api.openapi_document":
        return
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise ApiError(401, "token_missing", "Send an organisation token: Authorization: Bearer …")
    token = tokens.find_token(secret.strip())
    if token is None:
        raise ApiError(401, "token_invalid", "This token is not known.")
    if not token.active:
        raise ApiError(401, "token_revoked", "This token has been revoked.")
    g.api_token = token


@bp.after_request
def _note_token_use(response: Response) -> Response:
    """Last use is recorded whatever the request did: after its own commit, or after the
    rollback of a refused or dry-run request, in a transaction of its own."""
    token = g.get("api_token")
    if token is not None:
        if response.status_code >= 400:
            db.session.rollback()  # a refused request leaves nothing else behind
        tokens.note_use(token.id)
        db.session.commit()
    return response


def _token() -> ApiToken:
    token: ApiToken = g.api_token
    return token


def requires(scope: TokenScope) -> Callable[[F], F]:
    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> ResponseReturnValue:
            if not _token().allows(scope):
                raise ApiError(
                    403,
                    "insufficient_scope",
                    f"This token lacks the {scope.value!r} scope.",
                    [{"required_scope": scope.value}],
                )
            return view(*args, **kwargs)

        return cast(F, wrapped)

    return decorator


def _issue_json(issue: Issue) -> dict[str, Any]:
    return {
        "row": issue.row,
        "level": issue.level,
        "code": issue.code,
        "field": issue.field,
        "message": describe(issue),
    }


def _record_json(record: PersonRecord) -> dict[str, Any]:
    full = _token().allows(TokenScope.EXPORT)
    body = record_to_json(*exporter.person(record, full=full))
    batch = db.session.get(ImportBatch, record.import_batch_id) if record.import_batch_id else None
    body = {"id": record.id, **body}
    body["provenance"] = {
        "organization": record.organization.slug,
        "source_record_id": record.source_record_id,
        "source_date": exporter.pfif_time(record.source_date),
        "entry_date": exporter.pfif_time(record.updated_at),
        "import_batch_id": record.import_batch_id,
        "imported_by": batch.author_label if batch else None,
    }
    return body


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise ApiError(
            400,
            "bad_parameter",
            f"{name} must be a whole number from {low} to {high}.",
            [{"parameter": name}],
        )
    return int(raw)


def _flag(name: str, default: bool = False) -> bool:
    raw = request.args.get(name)
    if raw is None:
        return default
    if raw not in ("true", "false"):
        raise ApiError(
            400, "bad_parameter", f"{name} must be true or false.", [{"parameter": name}]
        )
    return raw == "true"


def _choice(name: str, values: list[str], default: str | None = None) -> str:
    raw = request.args.get(name, default)
    if raw not in values:
        raise ApiError(
            400,
            "bad_parameter",
            f"{name} must be one of: {', '.join(values)}.",
            [{"parameter": name}],
        )
    return str(raw)


@bp.get("/openapi.json")
def openapi_document() -> Response:
    return jsonify(openapi.document())


@bp.post("/records")
@requires(TokenScope.WRITE)
def upsert_record() -> ResponseReturnValue:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "bad_request", "Send one record as a JSON object.")
    checked = check_rows([row_from_json(1, body)])
    if checked.errors or not checked.records:
        details = [_issue_json(i) for i in checked.errors]
        raise ApiError(422, "invalid_record", "The record has errors; nothing was saved.", details)
    token = _token()
    org = token.organization
    data = checked.records[0]
    existing = find_records(org.id, [data.source_record_id]).get(data.source_record_id)
    known = known_note_ids([existing.id]) if existing else set()
    step, record = write(data, existing, Writer(org=org, token=token), known)
    assert record is not None
    if step.outcome is not Outcome.UNCHANGED:
        linking.records_changed([record], force=step.consent_changed)
    resolve_links(org.id)
    db.session.commit()
    payload = {
        "result": step.outcome.value,
        "stale": step.stale,
        "record": _record_json(record),
        "warnings": [_issue_json(i) for i in checked.warnings],
    }
    return jsonify(payload), 201 if step.outcome.value == "created" else 200


@bp.get("/records/<int:record_id>")
@requires(TokenScope.READ)
def read_record(record_id: int) -> ResponseReturnValue:
    token = _token()
    record = db.session.get(PersonRecord, record_id) if record_id <= MAX_ID else None
    if record is None or record.org_id != token.org_id:
        raise ApiError(404, "not_found", "There is no such record for this organisation.")
    audit(AuditTag.API_RECORD_READ, record, token=token)
    body = _record_json(record)
    db.session.commit()
    return jsonify(body)


@bp.get("/records")
@requires(TokenScope.READ)
def changed_records() -> ResponseReturnValue:
    token = _token()
    since_raw = request.args.get("since")
    since = None
    if since_raw is not None:
        try:
            since = datetime.fromisoformat(since_raw.replace("Z", "+00:00"))
        except ValueError:
            since = None
        if since is None or since.tzinfo is None:
            raise ApiError(
                400,
                "bad_parameter",
                "since must be a date-time with a time zone, e.g. 2024-01-31T00:00:00Z.",
                [{"parameter": "since"}],
            )
        since = since.astimezone(UTC)
    limit = _int_arg("limit", DEFAULT_PAGE, 1, MAX_PAGE)
    try:
        rows, next_cursor = exporter.changed_since(
            token.organization, since=since, cursor=request.args.get("cursor"), limit=limit
        )
    except exporter.BadCursor:
        raise ApiError(
            400, "bad_parameter", "This cursor was not handed out here.", [{"parameter": "cursor"}]
        ) from None
    audit(AuditTag.API_RECORD_LIST, token=token, detail=f"records={len(rows)}")
    body = {"records": [_record_json(r) for r in rows], "next_cursor": next_cursor}
    db.session.commit()
    return jsonify(body)


@bp.get("/suggestions")
@requires(TokenScope.READ)
def list_suggestions() -> ResponseReturnValue:
    token = _token()
    limit = _int_arg("limit", DEFAULT_PAGE, 1, MAX_PAGE)
    try:
        items, next_cursor = suggestions.suggestions_for_org(
            token.organization, cursor=request.args.get("cursor"), limit=limit
        )
    except exporter.BadCursor:
        raise ApiError(
            400, "bad_parameter", "This cursor was not handed out here.", [{"parameter": "cursor"}]
        ) from None
    audit(AuditTag.API_SUGGESTION_LIST, token=token, detail=f"suggestions={len(items)}")
    db.session.commit()
    return jsonify({"suggestions": items, "next_cursor": next_cursor})


def _report_json(report: ImportReport) -> dict[str, Any]:
    return {
        "dry_run": report.batch_id is None and not report.queued,
        "format": report.format.value,
        "file_sha256": report.file_sha256,
        "encoding": report.encoding,
        "rows": report.rows,
        "counts": {key: report.counts[key] for key in ("created", "updated", "unchanged", "notes")},
        "errors": [_issue_json(i) for i in report.errors],
        "warnings": [_issue_json(i) for i in report.warnings],
        "duplicate_of_batch": report.duplicate_of,
        "batch_id": report.batch_id,
        "queued": report.queued,
    }


@bp.post("/imports")
@requires(TokenScope.WRITE)
def import_file() -> ResponseReturnValue:
    token = _token()
    fmt = ImportFormat(_choice("format", [f.value for f in ImportFormat]))
    dry_run = _flag("dry_run", default=True)
    options = ImportOptions(
        kind=RecordKind(_choice("kind", [k.value for k in RecordKind], RecordKind.SOUGHT.value)),
        consent_tracing=_flag("consent_tracing"),
        consent_sharing=_flag("consent_sharing"),
    )
    data = request.get_data(cache=False)
    if dry_run:
        report = importer.dry_run(token.organization, fmt, data)
        db.session.rollback()
        body = _report_json(report)
        body["dry_run"] = True
        return jsonify(body), 200 if report.ok else 422
    report = _import_once_more_on_conflict(
        lambda: importer.import_file(token.organization, fmt, data, options, token=token)
    )
    body = _report_json(report)
    if not report.ok:
        return jsonify(body), 422
    return jsonify(body), 202 if report.queued else 201 if report.batch_id else 200


def _import_once_more_on_conflict(run: Callable[[], ImportReport]) -> ImportReport:
    """Run an import and commit; if a concurrent import of the same file or records won
    the race, nothing of ours stays, and one more dry run tells what is left to do."""
    for attempt in (1, 2):
        try:
            report = run()
            db.session.commit()
            return report
        except (IntegrityError, OperationalError):
            db.session.rollback()
            if attempt == 2:
                raise ApiError(
                    409,
                    "import_conflict",
                    "Another import of the same records is running; nothing was saved. Try again.",
                ) from None
    raise AssertionError("unreachable")


def _batch_json(batch: ImportBatch) -> dict[str, Any]:
    return {
        "id": batch.id,
        "format": batch.format.value,
        "status": batch.status.value,
        "file_sha256": batch.file_sha256,
        "size_bytes": batch.size_bytes,
        "rows": batch.row_count,
        "counts": {
            "created": batch.created_count,
            "updated": batch.updated_count,
            "unchanged": batch.unchanged_count,
            "notes": batch.note_count,
        },
        "imported_by": batch.author_label,
        "created_at": exporter.pfif_time(batch.created_at),
        "finished_at": exporter.pfif_time(batch.finished_at) or None,
        "reverted_at": exporter.pfif_time(batch.reverted_at) or None,
    }


@bp.get("/imports")
@requires(TokenScope.READ)
def list_imports() -> ResponseReturnValue:
    limit = _int_arg("limit", DEFAULT_PAGE, 1, MAX_PAGE)
    batches = importer.org_batches(_token().org_id, limit=limit)
    return jsonify({"imports": [_batch_json(b) for b in batches]})


@bp.get("/export")
@requires(TokenScope.READ)
def export_records() -> ResponseReturnValue:
    token = _token()
    fmt = ImportFormat(_choice("format", [f.value for f in ImportFormat]))
    purpose = request.args.get("purpose", "").strip()
    if not 3 <= len(purpose) <= 300:
        raise ApiError(
            400,
            "purpose_required",
            "State the purpose of this export (3 to 300 characters).",
            [{"parameter": "purpose"}],
        )
    delimiter = _choice("delimiter", ["comma", "semicolon"], "comma")
    result = exporter.export(
        token.organization,
        fmt,
        full=token.allows(TokenScope.EXPORT),
        purpose=purpose,
        delimiter={"comma": ",", "semicolon": ";"}[delimiter],
        token=token,
    )
    db.session.commit()
    response = Response(result.content, mimetype=result.media_type.split(";")[0])
    response.headers["Content-Type"] = result.media_type
    response.headers["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    response.headers["X-Record-Count"] = str(result.count)
    return response
