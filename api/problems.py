"""Errors as RFC 9457 problem documents (`application/problem+json`).

Every error the API returns is a `Problem`: `type` (a URI naming the kind of problem),
`title`, `status`, `detail` (one line for a person) and `field` (the input at fault, as a
dotted path such as `responses.0.rationale`, or null). Status codes:

- 401 a missing, malformed, unknown or revoked bearer token;
- 403 the token's role may not do this (a manager changing anything, an agency acting
  outside what agencies may do, or asking for another component's data);
- 404 no such memo or recommendation, or one the token may not see (an agency token
  gets 404 for another component's memos), an unknown report kind, an unknown route;
- 409 the action is not allowed in the current state (a domain `InvalidTransition`:
  answering a recommendation twice, closing a closed one, a memo id already issued, a
  recommendation whose workflow has finished);
- 413 a request body over the document limit (`domain.limits.MAX_DOCUMENT_BYTES`),
  refused before it is parsed (see api.limits);
- 422 invalid input: a body, path or query parameter failing validation, or a domain
  rule rejecting the values (a date before the response, an unknown clock...);
- 503 Temporal or the reports module is unavailable.
Bad input is never a 500, nor a 503.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.errors import AppError, Conflict, Invalid, NotFound, TooLarge, Unavailable

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_BASE = "https://rectrack.dev/problems/"

TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Content too large",
    422: "Invalid input",
    500: "Internal server error",
    503: "Service unavailable",
}
SLUGS = {
    401: "unauthorized", 403: "forbidden", 404: "not-found", 405: "method-not-allowed",
    409: "conflict", 413: "too-large", 422: "invalid-input", 500: "internal-error",
    503: "unavailable",
}


class Problem(BaseModel):
    """An error, as `application/problem+json` (RFC 9457)."""

    type: str = Field(description="URI naming the kind of problem",
                      examples=[PROBLEM_BASE + "invalid-input"])
    title: str = Field(description="short summary of the kind of problem")
    status: int = Field(description="the HTTP status code")
    detail: str = Field(description="what is wrong, in one line")
    field: str | None = Field(default=None, description="the input at fault (dotted path), "
                              "if one is")


class ProblemError(Exception):
    """Raise anywhere in a request to answer with a problem document."""

    def __init__(self, status: int, detail: str, *, field: str | None = None,
                 slug: str | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.field = field
        self.slug = slug
        self.headers = headers


def problem_response(status: int, detail: str, *, field: str | None = None,
                     slug: str | None = None,
                     headers: Mapping[str, str] | None = None) -> JSONResponse:
    problem = Problem(type=PROBLEM_BASE + (slug or SLUGS.get(status, "error")),
                      title=TITLES.get(status, "Error"), status=status, detail=detail,
                      field=field)
    return JSONResponse(problem.model_dump(), status_code=status, headers=headers,
                        media_type=PROBLEM_MEDIA_TYPE)


def problem_doc(description: str) -> dict[str, Any]:
    # The Problem schema itself is added to the document by api.app.
    return {"description": description,
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}}


# The error responses every authenticated route documents in OpenAPI.
READ_PROBLEMS: dict[int | str, dict[str, Any]] = {
    401: problem_doc("missing, malformed, unknown or revoked bearer token"),
    404: problem_doc("no such memo, or one this token may not see"),
    422: problem_doc("a parameter fails validation; `field` names it"),
}
WRITE_PROBLEMS: dict[int | str, dict[str, Any]] = {
    **READ_PROBLEMS,
    403: problem_doc("this token's role may not do this"),
    409: problem_doc("not allowed in the current state"),
    413: problem_doc("the request body is larger than the limit"),
    422: problem_doc("the body or a parameter is invalid, or a rule rejects it; "
                         "`field` names the input at fault"),
    503: problem_doc("Temporal is unreachable"),
}


def field_of(location: tuple[int | str, ...] | list[int | str]) -> str | None:
    """`('body', 'responses', 0, 'rationale')` -> `responses.0.rationale`; a query or path
    parameter by its name; the whole body as `body`."""
    parts = [str(part) for part in location]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        parts = parts[1:] or parts[:1]
    return ".".join(parts) or None


def _validation_detail(error: dict[str, Any], count: int) -> tuple[str | None, str]:
    field = field_of(error.get("loc", ()))
    if error.get("type") == "json_invalid":
        field = "body"
    message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
    more = f" ({count - 1} more)" if count > 1 else ""
    return field, f"{field}: {message}{more}" if field else f"{message}{more}"


async def _on_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProblemError)
    return problem_response(exc.status, exc.detail, field=exc.field, slug=exc.slug,
                            headers=exc.headers)


# The service layer's error family (app.errors), most specific first.
APP_STATUS: tuple[tuple[type[AppError], int], ...] = (
    (NotFound, 404), (Conflict, 409), (TooLarge, 413), (Invalid, 422), (Unavailable, 503))


def status_of(error: AppError) -> int:
    return next((status for kind, status in APP_STATUS if isinstance(error, kind)), 500)


async def _on_app_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return problem_response(status_of(exc), exc.message, field=exc.field)


async def _on_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    if not errors:
        return problem_response(422, "invalid request")
    field, detail = _validation_detail(errors[0], len(errors))
    return problem_response(422, detail, field=field)


async def _on_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else TITLES.get(exc.status_code, "Error")
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"no route {request.method} {request.url.path}"
    field = "body" if exc.status_code == 413 else None
    return problem_response(exc.status_code, detail, field=field, headers=exc.headers)


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    return problem_response(500, "internal error; the server log has the details")


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ProblemError, _on_problem)
    app.add_exception_handler(AppError, _on_app_error)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(Exception, _on_unexpected)
