"""Safety relevance of a posting: ``core`` (the work is AI safety or its governance),
``adjacent`` (supports that work) or ``none``, judged from employer, team and role.

"AI" in the text is not enough: a generic ML job is ``none``. The inputs are
- the employer: its name in ``[relevance.orgs]`` (an AI-safety organisation, a frontier
  lab, an existential-risk organisation) or its ``org_type`` from the source; failing
  both, what it says of itself in the body (``[relevance.self_described]``);
- the topic: core cues (``[relevance.core]`` and core research areas) in the title or
  department (strong), or adding up in the body;
- the role: research, engineering, programs, grants and policy do the work; operations,
  management and other roles support it; commercial titles (sales, marketing, finance:
  ``[relevance.commercial]``) do neither; trust & safety moderation is its own field.
Each decision keeps the cue that made it.
"""

from __future__ import annotations

from functools import lru_cache

from aggregator.normalize.phrase_matcher import PhraseMatcher
from aggregator.normalize.results import Evidence, Scan, evidence_of
from aggregator.normalize.taxonomy_model import Taxonomy

SUPPORT_ROLES = frozenset({"operations", "management"})
# At a frontier lab a team cue this strong (or a skill in ``lab_core_skills``) in the
# title makes the role core; weaker ones ("safeguards", "evaluations") make it adjacent.
LAB_CORE_WEIGHT = 1.0
AI_BODY_MENTIONS = 2  # a body about AI names it at least this often
# A core research area named in the body adds BODY_SKILL (a long posting names its
# employer's areas in passing); in a short text (a job board's summary of 400-1,500
# characters) every line is about the role, so it adds SHORT_BODY_SKILL. Evaluations and
# robustness stay at BODY_SKILL: their words ("benchmarks", "evaluation metrics",
# "model robustness", "anomaly detection", "distribution shift") are every ML job's.
# The safety research areas proper (``short_text_core_skills``: interpretability,
# alignment, oversight, control, deception) named in a short text are the role's work,
# as in a title: in a research role's summary, or with one more body cue (a second phrase
# of an area, any core cue), they reach ``core_body_threshold``. One phrase alone in
# another role may be a tool of another field ("model interpretability with SHAP").
BODY_SKILL = 0.5
SHORT_BODY_SKILL = 1.0
SHORT_BODY_CHARS = 1500
GENERIC_SKILLS = frozenset({"evals", "adversarial_robustness"})
RESEARCH_ROLES = frozenset(
    {"research_engineer", "research_scientist", "residency", "fellowship", "phd_or_postdoc"}
)


@lru_cache(maxsize=8)
def _ai_matcher(taxonomy: Taxonomy) -> PhraseMatcher[str]:
    return PhraseMatcher((p, "ai") for p in taxonomy.relevance.ai)


def ai_in_title(taxonomy: Taxonomy, title: str) -> bool:
    """Is the title about AI at all (``[relevance.ai]``)?"""
    return bool(_ai_matcher(taxonomy).scan(title))


def _about_ai(tax: Taxonomy, texts: dict[str, str]) -> bool:
    """AI in the title, or named twice in the body (once is often in passing)."""
    if ai_in_title(tax, texts["title"]):
        return True
    return len(_ai_matcher(tax).scan(texts["body"])) >= AI_BODY_MENTIONS


@lru_cache(maxsize=8)
def _core_skills(taxonomy: Taxonomy) -> frozenset[str]:
    return frozenset(name for name, skill in taxonomy.skill_defs.items() if skill.core)


class _Cues:
    """The relevance cues of one posting, read from its scan."""

    def __init__(self, tax: Taxonomy, scan: Scan, short_body: bool, research: bool) -> None:
        self.strong: list[tuple[str, str]] = []  # core cues in title or department
        self.lab_core: tuple[str, str] | None = None  # ... that make a lab's role core
        self.body_score = 0.0
        self.body_first: tuple[str, str] | None = None
        self.moderation: tuple[str, str] | None = None
        self.commercial: tuple[str, str] | None = None
        self.org: dict[str, tuple[str, str]] = {}  # class -> (field, phrase)
        self.self_described: dict[str, tuple[str, str]] = {}  # ... in the employer's words
        self.policy_ai: tuple[str, str] | None = None
        self.title_security: tuple[str, str] | None = None
        core_skills = _core_skills(tax)
        area_weight = SHORT_BODY_SKILL if short_body else BODY_SKILL
        work_areas = tax.relevance.short_text_core_skills if short_body else frozenset()
        work_area: tuple[str, str] | None = None  # such an area: the decision's evidence
        body_cues = 0
        for field_name, phrase, (kind, name, weight, _) in scan.signals:
            if kind == "org":
                self.org.setdefault(name, (field_name, phrase))
            elif kind == "self":
                self.self_described.setdefault(name, (field_name, phrase))
            elif kind == "moderation" and field_name in ("title", "department"):
                self.moderation = self.moderation or (field_name, phrase)
            elif kind == "commercial" and field_name == "title":
                self.commercial = self.commercial or (field_name, phrase)
            elif kind == "core" or (kind == "skill" and name in core_skills):
                if field_name in ("title", "department", "org"):
                    self.strong.append((field_name, phrase))
                    if field_name != "org" and (
                        (kind == "core" and weight >= LAB_CORE_WEIGHT)
                        or (kind == "skill" and name in tax.relevance.lab_core_skills)
                    ):
                        self.lab_core = self.lab_core or (field_name, phrase)
                elif field_name == "body":
                    body_cues += 1
                    if kind == "core":
                        self.body_score += weight
                    else:
                        self.body_score += BODY_SKILL if name in GENERIC_SKILLS else area_weight
                        if name in work_areas:
                            work_area = work_area or (field_name, phrase)
                    self.body_first = self.body_first or (field_name, phrase)
            if kind == "skill" and name == "ai_governance" and self.policy_ai is None:
                self.policy_ai = (field_name, phrase)
            if kind == "skill" and name in ("security", "privacy") and field_name == "title":
                self.title_security = self.title_security or (field_name, phrase)
        if work_area is not None and (research or body_cues >= 2):
            self.body_score = max(self.body_score, tax.relevance.core_body_threshold)
        self.body_first = work_area or self.body_first


def decide_relevance(
    tax: Taxonomy, scan: Scan, texts: dict[str, str], role: str, evidence: list[Evidence]
) -> str:
    rel = tax.relevance
    cues = _Cues(tax, scan, len(texts["body"]) <= SHORT_BODY_CHARS, role in RESEARCH_ROLES)
    org_type = texts["org_type"]
    safety_org = cues.org.get("safety") or (
        ("org_type", org_type) if org_type and org_type in rel.safety_org_types else None
    )
    lab = cues.org.get("lab") or (
        ("org_type", org_type) if org_type and org_type in rel.ai_org_types else None
    )
    x_risk = cues.org.get("x_risk")
    # An employer known neither by name nor by type (a new one: every organisation of
    # `test` is) is what its own text says it is: "our models", "our customers" make an
    # AI company, whose safeguards and evaluations teams are the lab rule's `adjacent`.
    unknown_employer = not cues.org and not org_type
    if unknown_employer:
        safety_org = cues.self_described.get("safety")
        lab = cues.self_described.get("lab")
        x_risk = cues.self_described.get("x_risk")
    # "other" supports the work only at an employer known to do it; elsewhere (an essay
    # on a forum, a role the taxonomy has no name for) the topic decides.
    known_employer = safety_org or lab or x_risk
    support = role in SUPPORT_ROLES or (role == "other" and known_employer is not None)
    threshold = rel.core_body_threshold

    def decide(value: str, field_name: str, phrase: str) -> str:
        evidence.append(evidence_of("safety_relevance", value, field_name, phrase))
        return value

    if cues.moderation is not None:  # trust & safety: its own field, not AI safety
        if cues.strong and cues.strong[0][0] == "title":
            return decide("adjacent", *cues.strong[0])
        return decide("none", *cues.moderation)
    if cues.commercial is not None:
        return decide("adjacent" if safety_org else "none", *cues.commercial)
    if safety_org is not None:
        return decide("adjacent" if support else "core", *safety_org)
    title_cue = next((c for c in cues.strong if c[0] != "org"), None)
    if title_cue is not None:
        if lab is not None and not support and cues.lab_core:
            return decide("core", *cues.lab_core)
        return decide("adjacent" if support or lab else "core", *title_cue)
    if cues.strong:  # a core cue in the organisation's name ("... AI Safety Hub")
        return decide("adjacent" if support else "core", *cues.strong[0])
    if cues.body_first is not None and cues.body_score >= threshold:
        if lab is not None or support:
            return decide("adjacent", *cues.body_first)
        return decide("core", *cues.body_first)
    # Protecting a lab's models; an employer known only by its words ("our customers" is
    # also a bank's) must be about AI.
    if (
        lab is not None
        and cues.title_security is not None
        and (not unknown_employer or _about_ai(tax, texts))
    ):
        return decide("adjacent", *cues.title_security)
    if role == "policy" and (cues.policy_ai or ai_in_title(tax, texts["title"])):
        return decide("adjacent", *(cues.policy_ai or ("title", "ai")))
    # The guideline's "general AI policy" is a topic, not a title: a think tank's research
    # fellow, a law fellowship, a program manager on AI policy. Policy words alone are not
    # enough ("law and technology"): the posting must be about AI.
    if cues.policy_ai is not None and _about_ai(tax, texts):
        return decide("adjacent", *cues.policy_ai)
    if x_risk is not None:
        return decide("adjacent", *x_risk)
    # Half the threshold: a topic the posting touches, or the mission of an employer
    # known only by its own words ("the AI safety movement"), which its operations and
    # management support; a lab's support roles are not made adjacent by its blurb, nor
    # those of an employer known by name or type ("trustworthy AI for marketing teams").
    first, half = cues.body_first, cues.body_score >= threshold / 2
    if first is not None and half and (not support or (lab is None and unknown_employer)):
        return decide("adjacent", *first)
    return decide("none", "default", "no AI-safety employer, team or topic")
