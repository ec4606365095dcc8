"""Query parameters → a validated :class:`PostingFilter`, shared by pages, API and feeds.

The parameters are declared here for FastAPI (and the OpenAPI document); the values are
checked by :func:`aggregator.search.validate.build_filter`, the same check the CLI and
subscriber profiles use.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Query

from aggregator.search import MAX_DAYS, PostingFilter
from aggregator.search.validate import MAX_Q, MAX_VALUES, InvalidQuery, build_filter, choices

TEXT = r"^[^\x00-\x1f\x7f]*$"


def _list_query(description: str, values: tuple[str, ...] | None) -> Any:
    items: dict[str, Any] = {"type": "string"}
    items.update({"enum": list(values)} if values else {"maxLength": 80, "pattern": TEXT})
    return Query(description=description, max_length=MAX_VALUES, json_schema_extra={"items": items})


RoleParam = Annotated[list[str], _list_query("Role (repeat for OR).", choices("role"))]
SkillParam = Annotated[
    list[str], _list_query("Skill from the taxonomy (repeat for OR).", choices("skill"))
]
OrgTypeParam = Annotated[list[str], _list_query("Organization type.", choices("org_type"))]
RemoteParam = Annotated[list[str], _list_query("Work mode.", choices("remote"))]
OrgParam = Annotated[list[str], _list_query("Organization slug or name.", None)]
SourceParam = Annotated[list[str], _list_query("Source key.", None)]
RelevanceParam = Annotated[
    list[str],
    _list_query(
        "AI-safety relevance (repeat for OR); default core and adjacent, 'all' for every posting.",
        choices("relevance"),
    ),
]
SeniorityParam = Annotated[list[str], _list_query("Seniority level.", choices("seniority"))]
PhdParam = Annotated[
    list[str],
    _list_query("Whether a PhD is asked for (repeat for OR).", choices("phd_required")),
]
MlParam = Annotated[
    list[str],
    _list_query(
        "Whether ML experience is asked for (repeat for OR).", choices("ml_experience_required")
    ),
]
CountryParam = Annotated[
    list[str],
    Query(
        description="ISO 3166 alpha-2 country code.",
        max_length=MAX_VALUES,
        json_schema_extra={"items": {"type": "string", "pattern": "^[A-Za-z]{2}$"}},
    ),
]
PostedWithin = Annotated[
    int | None,
    Query(ge=0, le=MAX_DAYS, description="Posted (else first seen) within this many days."),
]
DeadlineWithin = Annotated[
    int | None,
    Query(ge=0, le=MAX_DAYS, description="Application deadline within this many days."),
]


def posting_filter(
    role: RoleParam = [],  # noqa: B006 - FastAPI copies defaults
    skill: SkillParam = [],  # noqa: B006
    org: OrgParam = [],  # noqa: B006
    org_type: OrgTypeParam = [],  # noqa: B006
    country: CountryParam = [],  # noqa: B006
    remote: RemoteParam = [],  # noqa: B006
    seniority: SeniorityParam = [],  # noqa: B006
    phd_required: PhdParam = [],  # noqa: B006
    ml_experience_required: MlParam = [],  # noqa: B006
    source: SourceParam = [],  # noqa: B006
    relevance: RelevanceParam = [],  # noqa: B006
    q: Annotated[
        str, Query(max_length=MAX_Q, pattern=TEXT, description="Words that must all appear.")
    ] = "",
    posted_within: PostedWithin = None,
    deadline_within: DeadlineWithin = None,
    has_salary: Annotated[
        bool | None, Query(description="true: only postings that state a salary; false: none.")
    ] = None,
    min_salary: Annotated[
        float | None,
        Query(ge=0, le=1e9, description="Stated pay (the top of a range) at least this."),
    ] = None,
    status: Annotated[
        Literal["open", "closed", "expired", "all"],
        Query(description="open (default), closed, expired or all."),
    ] = "open",
    sort: Annotated[
        Literal["newest", "deadline", "relevance"] | None,
        Query(description="Order of the results; default: relevance with q, else newest."),
    ] = None,
) -> PostingFilter:
    """FastAPI dependency: the filter of the request's query string."""
    fixed_vocabularies = {
        "role": role,
        "skill": skill,
        "org_type": org_type,
        "remote": remote,
        "seniority": seniority,
        "phd_required": phd_required,
        "ml_experience_required": ml_experience_required,
        "relevance": relevance,
    }
    # The documented enums have no blank member; the shared check would drop a blank silently.
    for name, given in fixed_vocabularies.items():
        if "" in given:
            raise InvalidQuery(f"{name}: empty value; leave the parameter out for any")
    return build_filter(
        role=role,
        skill=skill,
        org=org,
        org_type=org_type,
        country=country,
        remote=remote,
        seniority=seniority,
        phd_required=phd_required,
        ml_experience_required=ml_experience_required,
        source=source,
        relevance=relevance,
        q=q,
        posted_within=posted_within,
        deadline_within=deadline_within,
        has_salary=has_salary,
        min_salary=min_salary,
        status=status,
        sort=sort,
    )
