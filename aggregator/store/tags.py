"""Posting tags: the roles, skills and countries a posting is found by, kept in ``posting_tags``,
and the programs whose call it is and the mentors and teams it names (what program
detection and follows look up)."""

from __future__ import annotations

from aggregator.db.models import Posting, PostingTag
from aggregator.normalize.posting import NormalizedPosting

TAG_VALUE_MAX = 80


def desired_tags(data: NormalizedPosting) -> dict[tuple[str, str], float]:
    tags: dict[tuple[str, str], float] = {}
    for entry in data.roles:
        key = ("role", str(entry["role"])[:TAG_VALUE_MAX])
        tags[key] = max(float(entry.get("confidence", 1.0)), tags.get(key, 0.0))
    tags.setdefault(("role", data.role[:TAG_VALUE_MAX]), 1.0)
    for skill in data.skills:
        tags[("skill", skill[:TAG_VALUE_MAX])] = 1.0
    for country in data.countries:
        tags[("country", country[:TAG_VALUE_MAX])] = 1.0
    for kind, values in (("program", data.programs), ("mentor", data.mentors),
                         ("team", data.teams)):  # fmt: skip
        for value in values:
            tags[(kind, value[:TAG_VALUE_MAX])] = 1.0
    return tags


def sync_tags(posting: Posting, data: NormalizedPosting) -> None:
    """Make ``posting.tags`` exactly the tags of ``data`` (:func:`desired_tags`)."""
    wanted = desired_tags(data)
    for tag in list(posting.tags):
        key = (tag.kind, tag.value)
        if key not in wanted:
            posting.tags.remove(tag)
        elif tag.confidence != wanted[key]:
            tag.confidence = wanted[key]
    have = {(t.kind, t.value) for t in posting.tags}
    for (kind, value), confidence in wanted.items():
        if (kind, value) not in have:
            posting.tags.append(PostingTag(kind=kind, value=value, confidence=confidence))
