"""Registry validation, the bundled sources.toml, platform discovery and sync to the DB."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from aggregator.crawl.registry import (
    load_registry,
    source_interval_hours,
    sync_registry,
)
from aggregator.db.models import Organization, Source
from aggregator.errors import ConfigError
from aggregator.paths import config_file
from aggregator.settings import Settings
from spiders.platforms import discover_platforms

BUILTIN = {"greenhouse", "lever", "ashby", "jsonld", "eighty_k", "feed", "mats", "govai", "redwood"}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(textwrap.dedent(text))
    return path


def test_builtin_platforms_are_discovered() -> None:
    assert set(discover_platforms()) >= BUILTIN


def test_bundled_registry_lists_the_field() -> None:
    configs = load_registry(config_file("sources.toml"))
    orgs = {c.org for c in configs}
    assert len(orgs) >= 30
    for org in (
        "Anthropic",
        "Google DeepMind",
        "OpenAI",
        "METR",
        "Apollo Research",
        "FAR.AI",
        "MIRI",
        "UK AI Security Institute",
        "Center for AI Safety",
        "Epoch AI",
        "Goodfire",
        "Redwood Research",
        "GovAI",
        "MATS",
        "Coefficient Giving",
        "80,000 Hours job board",
        "EA Forum",
        "LessWrong",
        "Alignment Forum",
    ):
        assert org in orgs, org
    assert all(c.homepage for c in configs)
    by_key = {c.key: c for c in configs}
    assert by_key["uk_aisi"].options == {"host": "eu"}


def test_bundled_registry_coverage_and_evidence() -> None:
    """At least 90 organisations on at least 12 kinds of source; every entry says how
    sure it is and where its token was seen; low confidence is never crawled."""
    configs = load_registry(config_file("sources.toml"))
    assert len({c.org for c in configs}) >= 90
    assert len({c.platform for c in configs}) >= 12
    for c in configs:
        assert c.confidence in ("high", "medium", "low") and c.evidence, c.key
        assert c.enabled is False or c.confidence != "low", c.key
    by_key = {c.key: c for c in configs}
    # corrections from the coverage reference
    assert (by_key["thinking_machines"].platform, by_key["thinking_machines"].token) == (
        "ashby",
        "thinkingmachines",
    )
    assert by_key["google_deepmind_careers"].platform == "google_careers"
    assert by_key["constellation"].enabled


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (
            'key = "a"\norg = "A"\norg_type = "lab"\nplatform = "nope"\ntoken = "t"',
            "source 'a': field 'platform': unknown platform 'nope'; registered: ashby",
        ),
        (
            'key = "a"\norg = "A"\norg_type = "startup"\nplatform = "lever"\ntoken = "t"',
            "source 'a': field 'org_type': must be one of lab",
        ),
        (
            'key = "a"\norg = "A"\norg_type = "lab"\nplatform = "lever"',
            "source 'a': field 'token': required by platform 'lever'",
        ),
        (
            'key = "a"\norg = "A"\norg_type = "lab"\nplatform = "feed"',
            "source 'a': field 'url': required by platform 'feed'",
        ),
        (
            'key = "a"\norg = "A"\norg_type = "lab"\nplatform = "feed"\nurl = "file:///etc/passwd"',
            "source 'a': field 'url': must be an http:// or https:// URL",
        ),
        (
            'key = "Bad Key"\norg = "A"\norg_type = "lab"\nplatform = "ashby"\ntoken = "t"',
            "field 'key': required, snake_case",
        ),
        (
            'key = "a"\norg = "A"\norg_type = "lab"\nplatform = "ashby"\ntoken = "t"\nhots = "eu"',
            "source 'a': field 'hots': unknown field (platform options: allow_empty)",
        ),
        (
            'key = "a"\norg = "A"\norg_type = "lab"\nplatform = "ashby"\ntoken = "t"\n'
            "interval_hours = -1",
            "source 'a': field 'interval_hours'",
        ),
    ],
)
def test_validation_names_key_and_field(tmp_path: Path, body: str, fragment: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_registry(write(tmp_path, "[[sources]]\n" + body + "\n"))
    assert fragment in str(info.value)


def test_duplicate_key_and_bad_toml(tmp_path: Path) -> None:
    entry = '[[sources]]\nkey = "a"\norg = "A"\norg_type = "lab"\nplatform = "ashby"\ntoken = "t"\n'
    with pytest.raises(ConfigError, match="source 'a': field 'key': duplicate key"):
        load_registry(write(tmp_path, entry + entry))
    shared = entry.replace('key = "a"', 'key = "community"')
    with pytest.raises(ConfigError, match="'community': field 'key': reserved for shared links"):
        load_registry(write(tmp_path, shared))
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_registry(write(tmp_path, "[[sources]\n"))
    with pytest.raises(ConfigError, match="not found"):
        load_registry(tmp_path / "missing.toml")


def test_interval_respects_the_platform_minimum(tmp_path: Path, settings: Settings) -> None:
    configs = load_registry(
        write(
            tmp_path,
            """
        [[sources]]
        key = "board"
        org = "80k"
        org_type = "board"
        platform = "eighty_k"
        interval_hours = 1
        [[sources]]
        key = "gh"
        org = "G"
        org_type = "lab"
        platform = "greenhouse"
        token = "g"
    """,
        )
    )
    platforms = discover_platforms()
    assert source_interval_hours(configs[0], settings, platforms) == 24
    assert source_interval_hours(configs[1], settings, platforms) == settings.crawl_interval_hours


def test_sync_registry_creates_and_updates_rows(tmp_path: Path, session: Session) -> None:
    path = write(
        tmp_path,
        """
        [[sources]]
        key = "cais"
        org = "Center for AI Safety"
        org_type = "nonprofit"
        platform = "greenhouse"
        token = "cais"
        homepage = "https://safe.ai"
        [[sources]]
        key = "cais_lever"
        org = "Center for AI Safety"
        org_type = "nonprofit"
        platform = "lever"
        token = "aisafety"
        enabled = false
    """,
    )
    rows = sync_registry(session, load_registry(path))
    assert set(rows) == {"cais", "cais_lever"}
    assert rows["cais"].organization is rows["cais_lever"].organization
    assert rows["cais_lever"].enabled is False
    assert rows["cais"].config["token"] == "cais"
    sync_registry(session, load_registry(path))  # idempotent
    assert len(session.scalars(select(Source)).all()) == 2
    (org,) = session.scalars(select(Organization)).all()
    assert org.homepage == "https://safe.ai" and org.org_type == "nonprofit"


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (
            'platform = "greenhouse"\ntoken = "t"\nhost = "asia"',
            "source 'a': field 'host': greenhouse option: Input should be 'us' or 'eu'",
        ),
        (
            'platform = "jsonld"\nurl = "https://x.org/jobs"\nmax_pages = "many"',
            "source 'a': field 'max_pages': jsonld option:",
        ),
        (
            'platform = "jsonld"\nurl = "https://x.org/jobs"\nlink_pattern = "(["',
            "source 'a': field 'link_pattern': jsonld option: not a regular expression",
        ),
        (
            'platform = "ashby"\ntoken = "t"\nallow_empty = "yes please"',
            "source 'a': field 'allow_empty': ashby option:",
        ),
        (
            'platform = "ashby"\ntoken = "t"\nenabled = "no"',
            "source 'a': field 'enabled':",
        ),
        (
            'platform = "ashby"\ntoken = "t"\nconfidence = "sure"',
            "source 'a': field 'confidence':",
        ),
        (
            'platform = "ashby"\ntoken = "t"\nconfidence = "low"',
            "source 'a': field 'enabled': a low-confidence source must be enabled = false",
        ),
    ],
)
def test_platform_options_are_typed_and_checked_at_load(
    tmp_path: Path, body: str, fragment: str
) -> None:
    head = '[[sources]]\nkey = "a"\norg = "A"\norg_type = "lab"\n'
    with pytest.raises(ConfigError) as info:
        load_registry(write(tmp_path, head + body + "\n"))
    lines = str(info.value).splitlines()
    assert len(lines) == 2 and fragment in lines[1], lines  # one line per problem


def test_low_confidence_disabled_source_loads_with_its_evidence(tmp_path: Path) -> None:
    (config,) = load_registry(
        write(
            tmp_path,
            '[[sources]]\nkey = "a"\norg = "A"\norg_type = "lab"\nplatform = "ashby"\n'
            'token = "t"\nconfidence = "low"\nenabled = false\nevidence = "seen 2026-08"\n',
        )
    )
    assert (config.confidence, config.evidence, config.enabled) == ("low", "seen 2026-08", False)
    assert config.as_config()["evidence"] == "seen 2026-08"


def test_duplicate_platform_names_are_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import types

    from spiders import platforms as mod
    from spiders.greenhouse import GreenhouseSpider

    twin = type("Twin", (GreenhouseSpider,), {"name": "greenhouse", "__module__": "fake"})
    module = types.ModuleType("fake")
    module.Twin = twin  # type: ignore[attr-defined]
    found = {"greenhouse": GreenhouseSpider}
    with pytest.raises(ConfigError, match="platform name 'greenhouse' is declared twice"):
        for cls in mod._platform_classes(module):
            mod._add(found, cls)


def test_docs_platform_table_matches_the_classes() -> None:
    from spiders.platforms import platform_table

    docs = (Path(__file__).resolve().parents[1] / "docs" / "adding-a-source.md").read_text()
    begin, end = "<!-- platforms:begin -->\n", "<!-- platforms:end -->"
    generated = docs[docs.index(begin) + len(begin) : docs.index(end)]
    assert generated == platform_table(), (
        "regenerate with: aisafety-jobs sources platforms --markdown"
    )


def test_board_platforms_come_from_the_classes() -> None:
    from spiders.platforms import board_platforms

    assert {"eighty_k", "feed"} <= board_platforms()
    assert "greenhouse" not in board_platforms()


def test_platforms_reading_html_pages_obey_robots_txt() -> None:
    platforms = discover_platforms()
    for name in ("jsonld", "mats", "govai", "redwood", "google_careers", "eighty_k"):
        assert platforms[name].custom_settings.get("ROBOTSTXT_OBEY") is True, name
