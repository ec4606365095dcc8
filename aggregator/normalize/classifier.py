"""The explainable role, skill and flag classifier.

``classify()`` matches the taxonomy's weighted phrases in each field (one compiled pass
per field and vocabulary), adds up role scores, and records which phrase in which field
produced every label. A clear title decides the role (the body then counts half); a
vague title ("Member of Technical Staff", "Researcher") leaves the decision to the body,
and to the learned model beside the rules: it never overrules a clear title.
"""

from __future__ import annotations

import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from functools import lru_cache
from operator import itemgetter

from aggregator.normalize import flags, learned, relevance, sections
from aggregator.normalize.phrase_matcher import PhraseMatcher
from aggregator.normalize.prepared import prepare
from aggregator.normalize.results import (
    Classification,
    Evidence,
    RoleScore,
    Scan,
    Signal,
    evidence_of,
)
from aggregator.normalize.taxonomy import Taxonomy, load_taxonomy

TITLE_CLEAR = 8.0  # a title role score at least this high decides the role
BODY_DAMPING = 0.5  # body weight once the title is clear
BODY_CAP = 14.0  # most a role can collect from the body
MAX_SECONDARY = 2
TIME_BUDGET_SECONDS = 0.25  # per posting, for the pattern phrases
LONG_BODY_CHARS = 1500  # above this, a skill needs its ``mentions`` (taxonomy) in the body
SHORT_FIELD_CHARS = 2000
# Programs and courses (not jobs): their subject is what they are about, so it is
# tagged as a skill (a fellowship on interpretability teaches interpretability).
SUBJECT_ROLES = frozenset({"fellowship", "course"})
SUBJECT_MENTIONS = 2
# Roles that write no code: "SQL, Python or similar" in an operations, policy or grant
# posting is for analysis or a nice-to-have (the corpus does not label it); a grant call's
# list of past grantees names their stacks. Their tools count from the title only.
HANDS_OFF_ROLES = frozenset({"operations", "policy", "grant"})
# Product, program and project managers write no code either, whatever role they fall under
# ("Technical Program Manager" is management, "Product Manager" other): "working
# proficiency in Python and SQL" is for reading data, a stack named is the engineers'.
_NO_CODE_TITLE = re.compile(rf"\b(?:product|{flags.MANAGED_WORK}) managers?\b")
# A support or commercial role that is an engineer's (solutions, forward-deployed) builds
# with its products' areas; any other (recruiting, sales, counsel) does not.
_ENGINEER_TITLE = re.compile(r"\b(?:engineers?|engineering|developers?)\b")
# In "Research Engineer, Policy Evaluations" the words after the first separator name the
# team or program; their role phrases count less than the head of the title.
_TITLE_TAIL = re.compile(r", | - | \| | \(|: | at ")
TITLE_TAIL = 0.6


ROLE_FIELDS = ("title", "department", "body", "org", "org_type", "employment_type")
_VOCABULARIES = {  # field -> what besides role signals is matched there
    "title": ("skills", "title_skills", "cues", "title_flags", "orgs"),
    "department": ("skills", "cues"),
    "body": ("skills", "cues", "body_flags", "self_described"),
    "org": ("cues", "orgs"),
}


def _inheritable(outer: tuple[Signal, ...], signal: Signal) -> bool:
    """Inside a longer phrase, a role signal counts only for a role that phrase lacks."""
    if signal.kind != "role":
        return True
    return not any(o.kind == "role" and o.name == signal.name for o in outer)


@lru_cache(maxsize=8)
def _boilerplate(taxonomy: Taxonomy) -> re.Pattern[str] | None:
    """Markers of employer boilerplate whose paragraph is not classified."""
    markers = [r"\s+".join(map(re.escape, m.split())) for m in taxonomy.boilerplate]
    return re.compile("|".join(markers)) if markers else None


@lru_cache(maxsize=8)
def _boilerplate_words(taxonomy: Taxonomy) -> tuple[tuple[str, ...], ...]:
    """The words of each marker, longest first: text lacking one of each has no boilerplate."""
    return tuple(
        tuple(sorted(set(m.split()), key=len, reverse=True))
        for m in taxonomy.boilerplate
        if m.split()
    )


@lru_cache(maxsize=8)
def _headings(taxonomy: Taxonomy) -> sections.Headings:
    """Section headings of long descriptions (skill mentions in a blurb do not count)."""
    return sections.compile_headings(taxonomy.sections.skip, taxonomy.sections.count)


@lru_cache(maxsize=8)
def _tools(taxonomy: Taxonomy) -> frozenset[str]:
    """Languages and frameworks: tools that count at one mention."""
    return frozenset(
        n for n, s in taxonomy.skill_defs.items() if s.kind == "tool" and s.mentions == 1
    )


@lru_cache(maxsize=8)
def _compile(taxonomy: Taxonomy) -> dict[str, PhraseMatcher[Signal]]:
    """One matcher per field over every vocabulary used in that field."""
    vocab: dict[str, list[tuple[str, Signal]]] = defaultdict(list)
    entry = 0
    for role in taxonomy.role_defs.values():
        for field_name, signals in role.signals.items():
            for phrase, weight in signals:
                entry += 1
                vocab[field_name].append((phrase, Signal("role", role.name, weight, entry)))
    for skill in taxonomy.skill_defs.values():
        vocab["skills"] += [(s, Signal("skill", skill.name, 1.0)) for s in skill.synonyms]
        vocab["skills"] += [(s, Signal("subject", skill.name, 1.0)) for s in skill.subjects]
        # Their own kind: a skill to _skills, but not relevance's security title (a bare
        # "Security" names physical and event security too).
        vocab["title_skills"] += [(s, Signal("title_skill", skill.name, 1.0)) for s in skill.titles]
    rel = taxonomy.relevance
    vocab["cues"] += [(p, Signal("core", "core", w)) for p, w in rel.core]
    vocab["cues"] += [(p, Signal("moderation", "moderation", 1.0)) for p in rel.moderation]
    vocab["title_flags"] += [(p, Signal("commercial", "commercial", 1.0)) for p in rel.commercial]
    vocab["orgs"] += [(p, Signal("org", kind, 1.0)) for p, kind in rel.orgs]
    vocab["self_described"] += [(p, Signal("self", kind, 1.0)) for p, kind in rel.self_described]
    for name, flag_entries in (
        ("title_flags", flags.title_seniority_entries()),
        ("body_flags", flags.body_flag_entries()),
    ):
        vocab[name] += [(p, Signal(kind, value, 0.0)) for p, kind, value in flag_entries]
    fields: dict[str, list[tuple[str, Signal]]] = {}
    for field_name in ROLE_FIELDS:
        fields[field_name] = list(vocab[field_name])
        for extra in _VOCABULARIES.get(field_name, ()):
            fields[field_name] += vocab[extra]

    return {name: PhraseMatcher(entries, inherit=_inheritable) for name, entries in fields.items()}


def classify(
    *,
    title: str,
    description_text: str = "",
    department: str | None = None,
    org_type: str | None = None,
    employment_type: str | None = None,
    org: str | None = None,
    taxonomy: Taxonomy | None = None,
    model: learned.Model | bool | None = True,
) -> Classification:
    """Classify one posting; every label carries its evidence. Never raises on text.

    ``model``: the learned model beside the rules (True: the shipped one; False or None:
    the rules alone).
    """
    tax = taxonomy or load_taxonomy()
    texts, scan, body_mentions = scan_posting(
        tax,
        title=title,
        description_text=description_text,
        department=department,
        org_type=org_type,
        employment_type=employment_type,
        org=org,
    )
    evidence: list[Evidence] = []
    roles, title_clear = _score_roles(tax, scan, evidence)
    if model is True:
        model = learned.load_model()
    # The model learns from a few hundred postings; out of fold it overruled clear titles
    # ("Principal Investigator - AI Residency Program") more often than it mended them.
    role_head = model.head("role") if model and not title_clear else None
    skill_head = model.skills if model else None
    features: list[str] = []
    if model and (role_head or skill_head):  # one pass serves both heads
        features = model.features(texts, scan)
    if role_head is not None:
        roles = _learned_roles(role_head, features, roles, evidence)
    long_body = len(texts["body"]) > LONG_BODY_CHARS
    support = _supports(scan, roles[0].role)
    hands_off = roles[0].role in HANDS_OFF_ROLES or bool(_NO_CODE_TITLE.search(texts["title"]))
    sells = support and not _ENGINEER_TITLE.search(texts["title"])
    skills = _skills(tax, scan, body_mentions, long_body, evidence, support, hands_off, sells)
    if roles[0].role in SUBJECT_ROLES:
        skills += _subjects(scan, skills, evidence)
    if skill_head is not None:
        features += skill_head.count_features(body_mentions, long_body, skills)
        skills = _learned_skills(skill_head, features, skills, evidence)
    seniority = flags.decide_seniority(scan, roles[0].role, evidence)
    implied = (flags.phd_implied(roles[0].role, texts["title"]), roles[0].role)
    phd = flags.decide_flag(
        scan, "phd", ("no", "preferred", "yes"), "phd_required", evidence, implied
    )
    phd = flags.cap_phd(scan, phd, evidence)
    ml = flags.decide_flag(scan, "ml", ("no", "yes"), "ml_experience_required", evidence)
    safety_relevance = relevance.decide_relevance(tax, scan, texts, roles[0].role, evidence)
    return Classification(
        role=roles[0].role,
        roles=roles,
        skills=skills,
        seniority=seniority,
        phd_required=phd,
        ml_experience_required=ml,
        safety_relevance=safety_relevance,
        evidence=evidence,
        taxonomy_version=tax.version,
    )


def scan_posting(
    tax: Taxonomy,
    *,
    title: str,
    description_text: str = "",
    department: str | None = None,
    org_type: str | None = None,
    employment_type: str | None = None,
    org: str | None = None,
) -> tuple[dict[str, str], Scan, Counter[str]]:
    """Prepared texts per field, the phrase hits in them, and body mentions per skill."""
    compiled = _compile(tax)
    texts = {
        "title": prepare(title, SHORT_FIELD_CHARS),
        "department": prepare(department, SHORT_FIELD_CHARS),
        "body": prepare(
            description_text,
            tax.scoring.body_max_chars,
            _boilerplate(tax),
            _boilerplate_words(tax),
        ),
        "org": prepare(org, SHORT_FIELD_CHARS),
        "org_type": prepare(org_type, 100),
        "employment_type": prepare(employment_type, 100),
    }
    scan = Scan()
    # Matching is linear in the text (Aho-Corasick, google-re2); the budget also stops
    # the pattern phrases of a pathological posting (issue 14 point 9).
    deadline = time.perf_counter() + TIME_BUDGET_SECONDS
    body_mentions: Counter[str] = Counter()
    for name, text in texts.items():
        if text and name == "title":
            tail = _TITLE_TAIL.search(text)
            hits = compiled[name].scan(text, deadline)
            scan.add(name, hits, tail.end() if tail else None, TITLE_TAIL)
        elif text:
            hits = compiled[name].scan(text, deadline)
            if name == "body":
                skipped = sections.skipped_spans(description_text, text, _headings(tax))
                long_body = len(text) > LONG_BODY_CHARS
                body_mentions = _mentions(hits, skipped if long_body else [], text, _tools(tax))
                if skipped and not long_body:
                    scan.passing = _only_skipped(hits, skipped)
            scan.add(name, hits)

    return texts, scan, body_mentions


def _learned_roles(
    head: learned.Head, features: list[str], roles: list[RoleScore], evidence: list[Evidence]
) -> list[RoleScore]:
    """The rules' ranking, led by the model's choice where it outweighs theirs (the
    model's strongest features for it are then its evidence)."""
    chosen, probability = head.choose(features, roles[0].role)
    if chosen == roles[0].role:
        return roles
    for feature in head.strongest(features, chosen):
        field_name, what = learned.readable(feature)
        evidence.append(evidence_of("role", chosen, "model", f"{field_name}: {what}"))
    others = [r for r in roles if r.role != chosen][:MAX_SECONDARY]
    return [_role_score(chosen, round(min(probability, 0.99), 2)), *others]


@lru_cache(maxsize=8)
def _role_order(taxonomy: Taxonomy) -> dict[str, int]:
    return {role: index for index, role in enumerate(taxonomy.roles)}


def title_is_clear(scan: Scan) -> bool:
    """Whether the title's role phrases alone decide the role (the model then stays out)."""
    title: defaultdict[str, float] = defaultdict(float)
    for field_name, _, role, weight in _role_hits(scan):
        if field_name == "title":
            title[role] += weight
    return _clear(title)


def _role_hits(scan: Scan) -> Iterator[tuple[str, str, str, float]]:
    """(field, phrase, role, weight) of the role hits, each taxonomy entry once per field
    (the docs' "each distinct phrase counts once"): a list of venues or of a program's
    forms is one cue, however many of its alternatives it names; a text two entries of a
    role match ("tech lead" for ``software_engineer`` at 8 and at 2) counts once for that
    role, at the higher weight (not the first entry's: TOML order must not matter)."""
    entries: set[tuple[str, int]] = set()
    best: dict[tuple[str, str, str], float] = {}
    for field_name, phrase, (_, role, weight, entry) in scan.of_kind("role"):
        if (field_name, entry) in entries:
            continue
        entries.add((field_name, entry))
        key = (field_name, phrase, role)
        best[key] = max(best.get(key, weight), weight)
    for (field_name, phrase, role), weight in best.items():
        yield field_name, phrase, role, weight


def _clear(title_scores: dict[str, float] | None) -> bool:
    if not title_scores:
        return False
    return max(title_scores.values()) >= TITLE_CLEAR


def _score_roles(
    tax: Taxonomy, scan: Scan, evidence: list[Evidence]
) -> tuple[list[RoleScore], bool]:
    """The ranked roles with their evidence, and whether the title alone was clear."""
    per_field: dict[str, defaultdict[str, float]] = {}
    reasons: defaultdict[str, list[tuple[float, str, str]]] = defaultdict(list)
    current = None
    scores: defaultdict[str, float] = defaultdict(float)
    for field_name, phrase, role, weight in _role_hits(scan):
        if field_name != current:  # hits come field by field
            current = field_name
            scores = per_field.setdefault(field_name, defaultdict(float))
        scores[role] += weight
        reasons[role].append((weight, field_name, phrase))
    title_clear = _clear(per_field.get("title"))
    body_factor = BODY_DAMPING if title_clear else 1.0
    totals: dict[str, float] = {}
    for field_name, field_scores in per_field.items():
        for role, score in field_scores.items():
            if field_name == "body":
                score = min(score, BODY_CAP) * body_factor
            totals[role] = totals.get(role, 0.0) + score
    order = _role_order(tax)
    # Highest score first, ties in taxonomy order (tuples sort without a key function).
    by_rank = sorted((-score, order[role], role) for role, score in totals.items() if score > 0)
    ranked = [(-negated, role) for negated, _, role in by_rank]
    scoring = tax.scoring
    if not ranked or ranked[0][0] < scoring.min_score:
        evidence.append(evidence_of("role", "other", "default", "no clear role signal"))
        return [_role_score("other", 0.3)], title_clear
    top = ranked[0][0]
    chosen = [ranked[0]] + [
        (score, role)
        for score, role in ranked[1 : MAX_SECONDARY + 1]
        if score >= scoring.secondary_ratio * top and score >= scoring.secondary_min
    ]
    denominator = sum(score for score, _ in ranked[:3]) + 3.0
    result = []
    for score, role in chosen:
        result.append(_role_score(role, round(min(score / denominator + 0.05, 0.99), 2)))
        strongest = sorted(reasons[role], key=itemgetter(0), reverse=True)[:3]
        for weight, field_name, phrase in strongest:
            if weight > 0:
                evidence.append(evidence_of("role", role, field_name, phrase))
    return result, title_clear


@lru_cache(maxsize=4096)
def _role_score(role: str, confidence: float) -> RoleScore:
    """Shared: immutable, and few (role, confidence) pairs exist."""
    return RoleScore(role, confidence)


# A language or framework named after the first of three or more alternatives ("Python,
# Go, or Rust", "PyTorch, TensorFlow, or JAX"), or among the examples of an alternative
# ("Java, or a similar compiled language (Rust, C++)"), is one the posting would accept, not
# one it asks for. Two alternatives ("Go or Rust") and the first named still count.
_ITEM = r"[\w+#./-]+(?: [\w+#./-]+){0,2}"
_ITEM_CHAR = re.compile(r"[\w+#./-]")
_WHOLE_ITEM = re.compile(_ITEM)
_OR_AFTER = re.compile(rf"(?:, {_ITEM})*,? or [\w+#]")  # "or" closes the list after it
_EXAMPLES_OF_ALTERNATIVE = re.compile(
    r"\bor (?:another |other |at least one |any )?[\w/ -]{1,40} \((?:e\.g\.,? |such as |like )?"
    rf"(?:{_ITEM}, )*$"
)


def _later_alternative(text: str, start: int, phrase: str) -> bool:
    """Whether ``phrase`` at ``start`` is a later alternative in a list (see above)."""
    low = max(0, start - 120)
    window = text[low:start]
    if (
        "(" in window  # cheap tests before the pattern
        and "or " in window
        and _EXAMPLES_OF_ALTERNATIVE.search(text, low, start)
    ):
        return True
    low = max(0, start - 80)
    if text[start - 5 : start] == ", or ":
        # The alternative after ", or" closing a list of three or more ("Python, Go, or
        # Rust"; not "Go, or Rust"): a whole item between two ", " before it. Without that
        # comma ("Python, Go or Rust") the items cannot be told from a clause ("languages,
        # ideally Python or Go" names two): that one still counts.
        separator = text.rfind(", ", low, start - 5)
        return (
            separator > low
            and _ITEM_CHAR.match(text, separator - 1) is not None
            and _WHOLE_ITEM.fullmatch(text, separator + 2, start - 5) is not None
        )
    # A later item of a list ("Python, Go, ...") that "or" closes after it. (Plain string
    # tests: a pattern over the list before it backtracked through every way of splitting
    # its words into items.)
    return (
        text[start - 2 : start] == ", "
        and start - 3 >= low
        and _ITEM_CHAR.match(text, start - 3) is not None
        and _OR_AFTER.match(text, start + len(phrase)) is not None
    )


def _only_skipped(
    hits: list[tuple[int, str, tuple[Signal, ...]]], skipped: list[tuple[int, int]]
) -> frozenset[str]:
    """Skills a short description names only in its skipped sections (the employer's
    blurb, benefits): the employer's words, not the role's."""
    outside, inside = _split_skipped(hits, skipped)
    return frozenset(_skills_named(inside) - _skills_named(outside))


def _skills_named(hits: list[tuple[int, str, tuple[Signal, ...]]]) -> set[str]:
    return {t.name for _, _, targets in hits for t in targets if t.kind == "skill"}


def _split_skipped(
    hits: list[tuple[int, str, tuple[Signal, ...]]], skipped: list[tuple[int, int]]
) -> tuple[list[tuple[int, str, tuple[Signal, ...]]], list[tuple[int, str, tuple[Signal, ...]]]]:
    """(hits outside, hits inside) the ``skipped`` spans, in one sweep: hits come in
    order of their start (``PhraseMatcher.scan``), the spans sorted and disjoint
    (``sections.skipped_spans``)."""
    if not skipped:
        return hits, []
    outside: list[tuple[int, str, tuple[Signal, ...]]] = []
    inside: list[tuple[int, str, tuple[Signal, ...]]] = []
    index, count = 0, len(skipped)
    for hit in hits:
        while index < count and skipped[index][1] <= hit[0]:
            index += 1
        (inside if index < count and skipped[index][0] <= hit[0] else outside).append(hit)
    return outside, inside


def _mentions(
    hits: list[tuple[int, str, tuple[Signal, ...]]],
    skipped: list[tuple[int, int]],
    text: str,
    tools: frozenset[str],
) -> Counter[str]:
    """How often each skill is mentioned (occurrences, not distinct phrases), leaving out
    the ``skipped`` sections (the employer's blurb, benefits, legal text). Not counted:
    a language or framework named as a later alternative (:func:`_later_alternative`),
    and the examples in brackets of what was just named ("data pipelines (e.g., Spark,
    Airflow)" is one mention of data engineering, not three)."""
    counts: Counter[str] = Counter()
    # Where each skill was last counted, when the text has bracketed examples at all.
    last: dict[str, int] | None = {} if _EXAMPLES_OPEN.search(text) else None
    for start, phrase, targets in _split_skipped(hits, skipped)[0]:
        for t in targets:
            if t.kind != "skill":
                continue
            name = t.name
            if name in tools and _later_alternative(text, start, phrase):
                continue
            if last is not None:
                previous = last.get(name, -1000)
                # Named just before: is this one of its examples? (A cheap test first: the
                # bracket opens at most _EXAMPLES_REACH before this, the skill as far before it.)
                if start - previous < 2 * _EXAMPLES_REACH:
                    opened = _examples_opened(text, start)
                    if opened >= 0 and opened - _EXAMPLES_REACH <= previous < opened:
                        continue
                last[name] = start
            counts[name] += 1
    return counts


_EXAMPLES = ("e.g.", "eg ", "e.g ", "such as", "like ", "including", "for example", "i.e.")
_EXAMPLES_REACH = 80  # characters: a bracket of examples and what it gives examples of
# One scan for any of them (eight substring tests cost ten times as much).
_EXAMPLES_OPEN = re.compile("|".join(re.escape(f"({e}") for e in _EXAMPLES))


def _examples_opened(text: str, start: int) -> int:
    """Where the parenthesised list of examples ("(e.g., Spark, Airflow)") around
    ``start`` opens, or -1."""
    opened = text.rfind("(", max(0, start - _EXAMPLES_REACH), start)
    if opened == -1 or text.find(")", opened, start) != -1:
        return -1
    return opened if text.startswith(_EXAMPLES, opened + 1) else -1


def _supports(scan: Scan, role: str) -> bool:
    """Whether the role supports or sells the work rather than doing it: operations, or a
    commercial title (sales, marketing, go-to-market). Management leads the work: not one."""
    if role == "operations":
        return True
    return any(field_name == "title" for field_name, _, _ in scan.of_kind("commercial"))


def _skills(
    tax: Taxonomy,
    scan: Scan,
    body_mentions: Counter[str],
    long_body: bool,
    evidence: list[Evidence],
    support: bool,
    hands_off: bool,
    sells: bool,
) -> list[str]:
    """Skills named in the title or department, and those a long body returns to: a
    skill named once in a long description is usually mentioned in passing (the corpus
    labels only what a posting asks for or works on). Each skill's ``mentions`` in the
    taxonomy says how often: languages and frameworks count at their one mention in the
    requirements; words every AI employer uses ("large language models", "fine-tuning")
    need more. A ``support`` role (operations or sales, :func:`_supports`) supports the
    research its employer does without doing it (the guideline's `adjacent`): a safety
    research area (``core``) named only in its description is the employer's work, not
    the role's. One that ``sells`` or supports without building (a support role whose
    title names no engineer or developer: a recruiter, an account executive, counsel)
    does no research at all: no research area (``kind = "research_area"``, core or not:
    "RLHF", "agents") named only in its description is its own. A ``hands_off`` role
    (:data:`HANDS_OFF_ROLES`, or a product, program or project manager's title) builds no
    software: a language, framework or platform (``kind = "tool"``) named in its
    description is a tool for analysis, a nice-to-have or its colleagues' stack, not what
    it works on. A skill's bare name (``titles`` in the taxonomy: "Security") counts in
    the title only. A short description's skill named only in its skipped sections
    (``scan.passing``: the blurb, the benefits) is the employer's."""
    found: dict[str, None] = {}
    skill_defs = tax.skill_defs
    for field_name, phrase, signal in (*scan.of_kind("title_skill"), *scan.of_kind("skill")):
        name = signal.name
        if name in found:
            continue
        if field_name == "body" and (
            (long_body and body_mentions[name] < skill_defs[name].mentions)
            or name in scan.passing
            or (support and skill_defs[name].core)
            or (sells and skill_defs[name].kind == "research_area")
            or (hands_off and skill_defs[name].kind == "tool")
        ):
            continue
        found[name] = None
        evidence.append(evidence_of("skill", name, field_name, phrase))
    return list(found)


def _subjects(scan: Scan, skills: list[str], evidence: list[Evidence]) -> list[str]:
    """Skills a program or course is about: those whose subject (the field's own name,
    ``subjects`` in the taxonomy) it names ``SUBJECT_MENTIONS`` times or more in its
    title, department and description. A mentored alignment program or an alignment
    reading group says "alignment" throughout, rarely a research agenda's words."""
    counts: Counter[str] = Counter()
    first: dict[str, tuple[str, str]] = {}
    for field_name, phrase, signal in scan.of_kind("subject"):
        counts[signal.name] += 1
        first.setdefault(signal.name, (field_name, phrase))
    added = [n for n, c in counts.items() if c >= SUBJECT_MENTIONS and n not in skills]
    for name in added:
        evidence.append(evidence_of("skill", name, *first[name]))
    return added


def _learned_skills(
    head: learned.SkillHead, features: list[str], rules: list[str], evidence: list[Evidence]
) -> list[str]:
    """The rules' skills less those the model finds unlikely, plus those it finds likely
    (its strongest features for them are then their evidence)."""
    kept, added = head.decide(features, rules)
    if len(kept) < len(rules):
        dropped = set(rules) - set(kept)
        evidence[:] = [e for e in evidence if e.label != "skill" or e.value not in dropped]
    strongest = head.strongest(features, added) if added else {}
    for skill, skill_features in strongest.items():
        for feature in skill_features:
            field_name, what = learned.readable(feature)
            evidence.append(evidence_of("skill", skill, "model", f"{field_name}: {what}"))
    return kept + added
