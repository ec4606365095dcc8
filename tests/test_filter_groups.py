"""config/filter_groups.toml names every role and skill of the taxonomy exactly once."""

from __future__ import annotations

from aggregator.normalize.taxonomy import load_taxonomy
from aggregator.search.counts import FacetValue
from aggregator.web.filter_groups import group_order, grouped


def test_every_taxonomy_value_is_in_one_group() -> None:
    taxonomy = load_taxonomy()
    for kind, names in (("role", taxonomy.roles), ("skill", taxonomy.skills)):
        listed = [v for _, values in group_order()[kind] for v in values]
        assert sorted(listed) == sorted(names), kind


def test_grouped_keeps_order_and_places_unknown_values_last() -> None:
    values = [
        FacetValue("grant", 2, False),
        FacetValue("policy", 5, True),
        FacetValue("x", 1, False),
    ]
    groups = grouped("role", values)
    assert [g.title for g in groups] == ["Jobs", "Funding & study"]
    assert [v.value for v in groups[0].values] == ["policy"]
    assert [v.value for v in groups[-1].values] == ["grant", "x"]
