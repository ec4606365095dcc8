"""API endpoints refuse query parameters they do not declare.

A misspelt or unsupported filter (``?phd_required=no`` on an old server, ``?skils=``)
would otherwise be ignored silently and return every posting as if it matched.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.dependencies.utils import get_flat_params
from fastapi.routing import APIRoute

from aggregator.errors import UserError


class UnknownParameter(UserError):
    """A query parameter the endpoint does not take."""


def declared_params(route: APIRoute) -> frozenset[str]:
    """Names (aliases) of the query parameters ``route`` and its dependencies declare
    (a walk over a few dozen fields: microseconds, not worth a cache)."""
    return frozenset(p.alias for p in get_flat_params(route.dependant) if p.field_info)


def reject_unknown_params(request: Request) -> None:
    """FastAPI dependency: :class:`UnknownParameter` (a 422) naming the first query
    parameter the matched endpoint does not declare."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    allowed = declared_params(route)
    unknown = sorted({name for name in request.query_params if name not in allowed})
    if unknown:
        known = ", ".join(sorted(allowed)) or "none"
        raise UnknownParameter(f"unknown parameter {unknown[0]!r}; this endpoint takes: {known}")
