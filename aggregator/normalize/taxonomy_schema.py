"""Validation of ``config/taxonomy.toml``: every problem is a ConfigError naming the entry."""

from __future__ import annotations

import difflib
import math
from pathlib import Path
from typing import Any

from aggregator.errors import ConfigError
from aggregator.normalize.phrases import PhraseError, check_phrase, lower_pattern
from aggregator.normalize.taxonomy_model import (
    FIELDS,
    LABEL_KINDS,
    MAX_WEIGHT,
    NAME_PATTERN,
    ORG_CLASSES,
    ROLE_NAMES,
    SKILL_KINDS,
    Announcements,
    Relevance,
    Role,
    Scoring,
    Sections,
    Skill,
    Taxonomy,
    name_key,
)


def build_taxonomy(path: Path, data: dict[str, Any]) -> Taxonomy:
    """A validated Taxonomy from the parsed TOML ``data`` of ``path``."""
    return _Builder(path).build(data)


SKILL_KEYS = frozenset(
    ("label", "kind", "core", "aliases", "synonyms", "mentions", "subjects", "titles")
)


class _Builder:
    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, problem: str) -> ConfigError:
        return ConfigError(f"{self.path}: {where}: {problem}")

    def table(self, data: Any, where: str) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise self.fail(where, "must be a table")
        return data

    def text(self, data: dict[str, Any], key: str, where: str, default: str | None = None) -> str:
        value = data.get(key, default)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{where}.{key}", "must be a non-empty string")
        return value.strip()

    def names(self, data: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(f"{where}.{key}", "must be a list of strings")
        return tuple(value)

    def phrase(self, phrase: str, where: str) -> str:
        try:
            check_phrase(lower_pattern(phrase))
        except PhraseError as exc:
            raise self.fail(where, f"bad phrase {phrase!r}: {exc}") from None
        return phrase

    def phrase_list(self, data: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
        """An optional list of phrases, each checked."""
        return tuple(self.phrase(p, f"{where}.{key}") for p in self.names(data, key, where))

    def weight(self, value: Any, where: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(where, f"bad weight {value!r}: must be a number")
        if not math.isfinite(value) or abs(value) > MAX_WEIGHT:
            raise self.fail(where, f"bad weight {value!r}: must be between -50 and 50")
        return float(value)

    def build(self, data: dict[str, Any]) -> Taxonomy:
        known = {
            "version", "scoring", "roles", "skills", "relevance", "boilerplate", "labels",
            "announcements", "sections",
        }  # fmt: skip
        for key in data:
            if key not in known:
                raise self.fail(key, f"unknown section; expected one of {sorted(known)}")
        version = data.get("version")
        if not isinstance(version, str) or not version.strip() or len(version) > 40:
            raise self.fail("version", "must be a non-empty string of at most 40 characters")
        roles = self.roles(self.table(data.get("roles"), "roles"))
        skills = self.skills(self.table(data.get("skills"), "skills"))
        aliases = {"role": self.aliases(roles), "skill": self.aliases(skills)}
        return Taxonomy(
            version=version.strip(),
            path=self.path,
            role_defs=roles,
            skill_defs=skills,
            scoring=self.scoring(self.table(data.get("scoring", {}), "scoring")),
            relevance=self.relevance(self.table(data.get("relevance", {}), "relevance"), skills),
            boilerplate=self.boilerplate(data),
            sections=self.sections(self.table(data.get("sections", {}), "sections")),
            announcements=self.announcements(
                self.table(data.get("announcements", {}), "announcements")
            ),
            labels=self.labels(self.table(data.get("labels", {}), "labels")),
            _aliases=aliases,
        )

    def roles(self, data: dict[str, Any]) -> dict[str, Role]:
        for name in data:
            if name not in ROLE_NAMES:
                close = difflib.get_close_matches(name, ROLE_NAMES, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise self.fail(f"roles.{name}", f"unknown role key{hint}")
        missing = [name for name in ROLE_NAMES if name not in data]
        if missing:
            raise self.fail("roles", f"missing roles: {', '.join(missing)}")
        roles: dict[str, Role] = {}
        for name in ROLE_NAMES:
            where = f"roles.{name}"
            spec = self.table(data[name], where)
            signals: dict[str, tuple[tuple[str, float], ...]] = {}
            for key, value in spec.items():
                if key in ("label", "definition", "aliases"):
                    continue
                if key not in FIELDS:
                    raise self.fail(f"{where}.{key}", f"unknown field; expected one of {FIELDS}")
                table = self.table(value, f"{where}.{key}")
                signals[key] = tuple(
                    (self.phrase(p, f"{where}.{key}"), self.weight(w, f"{where}.{key}.{p!r}"))
                    for p, w in table.items()
                )
            roles[name] = Role(
                name=name,
                label=self.text(spec, "label", where),
                definition=self.text(spec, "definition", where),
                aliases=self.names(spec, "aliases", where),
                signals=signals,
            )
        return roles

    def skills(self, data: dict[str, Any]) -> dict[str, Skill]:
        skills: dict[str, Skill] = {}
        for name, raw in data.items():
            where = f"skills.{name}"
            if not NAME_PATTERN.match(name):
                raise self.fail(where, "skill names are snake_case (a-z, 0-9, _)")
            spec = self.table(raw, where)
            unknown = set(spec) - SKILL_KEYS
            if unknown:
                raise self.fail(where, f"unknown keys {sorted(unknown)}")
            kind = self.text(spec, "kind", where)
            if kind not in SKILL_KINDS:
                raise self.fail(f"{where}.kind", f"{kind!r} is not one of {SKILL_KINDS}")
            core = spec.get("core", False)
            if not isinstance(core, bool):
                raise self.fail(f"{where}.core", "must be true or false")
            mentions = spec.get("mentions", 2)
            if type(mentions) is not int or not 1 <= mentions <= 9:  # bool is not a count
                raise self.fail(f"{where}.mentions", "must be a whole number from 1 to 9")
            synonyms = self.names(spec, "synonyms", where)
            if not synonyms:
                raise self.fail(f"{where}.synonyms", "needs at least one phrase")
            skills[name] = Skill(
                name=name,
                label=self.text(spec, "label", where),
                kind=kind,
                core=core,
                aliases=self.names(spec, "aliases", where),
                synonyms=tuple(self.phrase(s, f"{where}.synonyms") for s in synonyms),
                mentions=mentions,
                subjects=self.phrase_list(spec, "subjects", where),
                titles=self.phrase_list(spec, "titles", where),
            )
        if not skills:
            raise self.fail("skills", "no skills defined")
        return skills

    def aliases(self, items: dict[str, Role] | dict[str, Skill]) -> dict[str, str]:
        table: dict[str, str] = {}
        for name, item in items.items():
            for alias in item.aliases:
                key = name_key(alias)
                if key in items and key != name:
                    raise self.fail(f"{name}.aliases", f"alias {alias!r} is another entry's name")
                if table.get(key, name) != name:
                    raise self.fail(f"{name}.aliases", f"alias {alias!r} also used by {table[key]}")
                table[key] = name
        return table

    def scoring(self, data: dict[str, Any]) -> Scoring:
        defaults = Scoring()
        values: dict[str, Any] = {}
        for key, value in data.items():
            if not hasattr(defaults, key):
                raise self.fail(f"scoring.{key}", "unknown setting")
            number = self.weight(value, f"scoring.{key}") if key != "body_max_chars" else value
            if key == "body_max_chars" and (not isinstance(value, int) or value < 100):
                raise self.fail("scoring.body_max_chars", "must be an integer >= 100")
            values[key] = number
        return Scoring(**values)

    def labels(self, data: dict[str, Any]) -> dict[str, dict[str, str]]:
        out: dict[str, dict[str, str]] = {}
        for kind, names in data.items():
            if kind not in LABEL_KINDS:
                close = difflib.get_close_matches(kind, LABEL_KINDS, n=1)
                hint = f"did you mean {close[0]!r}?" if close else f"one of {list(LABEL_KINDS)}"
                raise self.fail(f"labels.{kind}", f"unknown vocabulary; {hint}")
            table = self.table(names, f"labels.{kind}")
            out[kind] = {name: self.text(table, name, f"labels.{kind}") for name in table}
        return out

    def boilerplate(self, data: dict[str, Any]) -> tuple[str, ...]:
        markers = self.names(data, "boilerplate", "boilerplate")
        for marker in markers:
            if len(marker.strip()) < 12:
                raise self.fail("boilerplate", f"marker {marker!r} is too short (< 12 characters)")
        return tuple(" ".join(m.lower().split()) for m in markers)

    def sections(self, data: dict[str, Any]) -> Sections:
        for key in data:
            if key not in ("skip", "count"):
                raise self.fail(f"sections.{key}", "unknown key; expected 'skip' or 'count'")
        kinds = {key: self.names(data, key, "sections") for key in ("skip", "count")}
        seen: set[str] = set()
        for key, headings in kinds.items():
            for heading in headings:
                plain = " ".join(heading.lower().split())
                if heading != plain or not 2 <= len(heading) <= 40 or not heading[0].isalnum():
                    raise self.fail(
                        f"sections.{key}",
                        f"heading {heading!r} must be plain lower-case words of 2-40 characters",
                    )
                if heading in seen:
                    raise self.fail(f"sections.{key}", f"heading {heading!r} is listed twice")
                seen.add(heading)
        return Sections(skip=kinds["skip"], count=kinds["count"])

    def relevance(self, data: dict[str, Any], skills: dict[str, Skill]) -> Relevance:
        def phrases(key: str) -> dict[str, Any]:
            return self.table(data.get(key, {}), f"relevance.{key}")

        def classed(key: str) -> tuple[tuple[str, str], ...]:
            """Phrases -> employer class ("safety", "lab", "x_risk"), each checked."""
            return tuple(
                (self.phrase(p, f"relevance.{key}"), self.org_class(c, f"relevance.{key}.{p!r}"))
                for p, c in phrases(key).items()
            )

        def skill_names(key: str) -> frozenset[str]:
            names = self.names(data, key, "relevance")
            for name in names:  # a misspelt or non-core name would silently do nothing
                if name not in skills:
                    raise self.fail(f"relevance.{key}", f"unknown skill {name!r}")
                if not skills[name].core:
                    raise self.fail(f"relevance.{key}", f"skill {name!r} is not core = true")
            return frozenset(names)

        threshold = self.weight(data.get("core_body_threshold", 3), "core_body_threshold")
        return Relevance(
            safety_org_types=frozenset(self.names(data, "safety_org_types", "relevance")),
            ai_org_types=frozenset(self.names(data, "ai_org_types", "relevance")),
            core_body_threshold=threshold,
            core=self.weighted_phrases(phrases("core"), "relevance.core"),
            moderation=tuple(self.phrase(p, "relevance.moderation") for p in phrases("moderation")),
            ai=tuple(self.phrase(p, "relevance.ai") for p in phrases("ai")),
            orgs=classed("orgs"),
            self_described=classed("self_described"),
            commercial=tuple(self.phrase(p, "relevance.commercial") for p in phrases("commercial")),
            lab_core_skills=skill_names("lab_core_skills"),
            short_text_core_skills=skill_names("short_text_core_skills"),
        )

    def weighted_phrases(self, data: dict[str, Any], where: str) -> tuple[tuple[str, float], ...]:
        """(phrase, weight) pairs of a table of weighted phrases, each checked."""
        return tuple(
            (self.phrase(p, where), self.weight(w, f"{where}.{p!r}")) for p, w in data.items()
        )

    def announcements(self, data: dict[str, Any]) -> Announcements:
        def cues(key: str) -> tuple[tuple[str, float], ...]:
            where = f"announcements.{key}"
            return self.weighted_phrases(self.table(data.get(key, {}), where), where)

        unknown = set(data) - {"threshold", "title", "body"}
        if unknown:
            raise self.fail("announcements", f"unknown keys {sorted(unknown)}")
        threshold = self.weight(
            data.get("threshold", Announcements.threshold), "announcements.threshold"
        )
        return Announcements(threshold, cues("title"), cues("body"))

    def org_class(self, value: Any, where: str) -> str:
        if value not in ORG_CLASSES:
            raise self.fail(where, f"{value!r} is not one of {ORG_CLASSES}")
        return str(value)
