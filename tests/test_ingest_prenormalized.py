"""Items normalized in the crawl subprocess (worker.prenormalize) and used by ingest."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from aggregator.crawl.worker import prenormalize
from aggregator.db.models import Posting, Source
from aggregator.items import RawPosting
from aggregator.store.ingest import ingest_items
from tests.test_ingest import _classifier, acme  # noqa: F401 (fixtures)

SOURCE = {"key": "greenhouse:acme", "org": "Acme AI", "org_type": "lab", "platform": "greenhouse"}


def raw(ext: str = "1", org: str = "Whatever the ATS says") -> RawPosting:
    return RawPosting(
        source_key="greenhouse:acme",
        external_id=ext,
        org=org,
        title="Research Engineer",
        url=f"https://boards.greenhouse.io/acme/jobs/{ext}",
        description_html="<p>Interpretability research.</p>",
        locations=["London, UK"],
    )


def test_prenormalize_uses_the_source_org_or_the_board_item_org() -> None:
    [own] = prenormalize(SOURCE, [raw().to_dict()])
    assert (own["org"], own["org_type"]) == ("Acme AI", "lab")
    assert own["data"]["org_name"] == "Acme AI" and own["data"]["title"] == "Research Engineer"
    board = {**SOURCE, "platform": "eighty_k", "org": "80,000 Hours", "org_type": "board"}
    [listed] = prenormalize(board, [raw(org="Apollo Research").to_dict()])
    assert (listed["org"], listed["org_type"]) == ("Apollo Research", None)
    # An item that cannot be normalized: None, and the parent reports the problem.
    assert prenormalize(SOURCE, [{**raw().to_dict(), "title": ""}, {"bogus": 1}]) == [None, None]


def _title(session: Session) -> str:
    return session.scalars(select(Posting.title)).one()


def test_ingest_uses_a_matching_prenormalized_item(
    session: Session,
    acme: Source,  # noqa: F811 (the fixture)
) -> None:
    [pre] = prenormalize(SOURCE, [raw().to_dict()])
    pre["data"]["title"] = "Made in the subprocess"
    result = ingest_items(session, acme, [raw()], complete=True, normalized=[pre])
    assert result.new == 1
    assert _title(session) == "Made in the subprocess"


@pytest.mark.parametrize(
    "spoil",
    [
        lambda pre: pre.update(org_type="nonprofit"),  # made for another org type
        lambda pre: pre.update(org="Other Org"),
        lambda pre: pre["data"].update(taxonomy_version="1999.01"),  # another taxonomy
        lambda pre: pre.update(data={"taxonomy_version": pre["data"]["taxonomy_version"]}),
        lambda pre: pre.update(data="not a dict"),
    ],
)
def test_ingest_normalizes_again_when_the_prenormalized_item_does_not_fit(
    session: Session,
    acme: Source,  # noqa: F811 (the fixture)
    spoil: object,
) -> None:
    [pre] = prenormalize(SOURCE, [raw().to_dict()])
    pre["data"]["title"] = "Made in the subprocess"
    spoil(pre)  # type: ignore[operator]
    result = ingest_items(session, acme, [raw()], complete=True, normalized=[pre, "junk"])
    assert (result.new, result.errors) == (1, 0)
    assert _title(session) == "Research Engineer"
