"""The API reference at ``/api/docs``: a server-rendered page made from the app's own
OpenAPI document.

No script and nothing from another site: it renders under the site's Content-Security-
Policy, offline and in self-hosted installs (a JavaScript documentation UI would need a
CDN or a megabyte of vendored code, and inline script the CSP forbids).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from aggregator.web import render

router = APIRouter(include_in_schema=False)
REF_PREFIX = "#/components/schemas/"
MAX_ENUM_SHOWN = 40  # longer vocabularies (skills) are still all listed in /openapi.json


@dataclass
class Field:
    name: str
    type: str
    description: str
    required: bool = False
    default: str = ""


@dataclass
class Operation:
    method: str
    path: str
    anchor: str
    summary: str
    description: str
    parameters: list[Field]
    responses: list[tuple[str, str, str]]  # status, media types, description


@dataclass
class Schema:
    name: str
    description: str
    fields: list[Field]


def type_text(schema: dict[str, Any]) -> str:
    """A reader's spelling of a JSON schema's type: ``list of string``, ``PostingRecord
    or null``, ``one of: a, b``."""
    if "$ref" in schema:
        return str(schema["$ref"]).removeprefix(REF_PREFIX)
    if "anyOf" in schema:
        return " or ".join(type_text(s) for s in schema["anyOf"])
    if "enum" in schema:
        values = [str(v) for v in schema["enum"]]
        shown = ", ".join(values[:MAX_ENUM_SHOWN])
        more = f" (and {len(values) - MAX_ENUM_SHOWN} more)" if len(values) > MAX_ENUM_SHOWN else ""
        return f"one of: {shown}{more}"
    kind = schema.get("type", "any")
    if kind == "array":
        return "list of " + type_text(schema.get("items") or {})
    if kind == "object" and "additionalProperties" in schema:
        return "object"
    if schema.get("format") == "date-time":
        return "date-time (RFC 3339, UTC)"
    return str(kind)


def _parameter(p: dict[str, Any]) -> Field:
    schema = p.get("schema") or {}
    default = schema.get("default")
    return Field(
        name=p["name"],
        type=type_text(schema),
        description=p.get("description") or schema.get("description") or "",
        required=bool(p.get("required")),
        default="" if default in (None, []) else str(default),
    )


def _responses(op: dict[str, Any]) -> list[tuple[str, str, str]]:
    out = []
    for status, response in sorted(op.get("responses", {}).items()):
        content = response.get("content") or {}
        media = []
        for media_type, body in content.items():
            schema = (body or {}).get("schema")
            media.append(f"{media_type} ({type_text(schema)})" if schema else media_type)
        out.append((status, ", ".join(media), response.get("description", "")))
    return out


def operations(spec: dict[str, Any]) -> list[Operation]:
    out = []
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            anchor = (method + path).replace("/", "-").replace("{", "").replace("}", "")
            out.append(
                Operation(
                    method=method.upper(),
                    path=path,
                    anchor=anchor.replace(".", "-"),
                    summary=op.get("summary", ""),
                    description=op.get("description", ""),
                    parameters=[_parameter(p) for p in op.get("parameters", [])],
                    responses=_responses(op),
                )
            )
    return out


def schemas(spec: dict[str, Any]) -> list[Schema]:
    out = []
    for name, schema in spec.get("components", {}).get("schemas", {}).items():
        required = set(schema.get("required") or ())
        fields = [
            Field(
                name=field_name,
                type=type_text(prop),
                description=prop.get("description", ""),
                required=field_name in required,
            )
            for field_name, prop in (schema.get("properties") or {}).items()
        ]
        out.append(Schema(name, schema.get("description", ""), fields))
    return out


@router.get("/api/docs", response_class=HTMLResponse)
def api_reference(request: Request) -> HTMLResponse:
    spec = request.app.openapi()
    info = spec.get("info", {})
    context = {
        "title": info.get("title", "API"),
        "version": info.get("version", ""),
        "paragraphs": [p for p in str(info.get("description", "")).split("\n\n") if p.strip()],
        "operations": operations(spec),
        "schemas": schemas(spec),
    }
    return render.page(request, "api_docs.html", context)
