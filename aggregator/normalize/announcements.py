"""Is a forum or board post an opportunity a reader can apply to? Read from title AND body.

Titles alone miss announcements titled "MARS" or "Research Fellow" whose body says plainly
that applications are open, and keep "What I learned running a fellowship". Each cue is a
weighted phrase (title cues count in the title, body cues in the first part of the body);
retrospectives, results and personal stories count against. The decision keeps the cues
that made it, so a dropped post can be explained.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

import lxml.html
from lxml import etree

from aggregator.normalize.phrase_matcher import PhraseMatcher
from aggregator.normalize.prepared import prepare

THRESHOLD = 2.5
# A body that says "I" this often in its opening is a personal essay (a retrospective, a
# story, advice), rarely a call to apply: it counts against.
FIRST_PERSON_CHARS = 3000
FIRST_PERSON_MIN = 8
FIRST_PERSON_WEIGHT = -1.0
_FIRST_PERSON = re.compile(r"\bi\b")
BODY_CHARS = 6000  # calls to apply come early; long essays mention "apply" in passing

TITLE_CUES: dict[str, float] = {
    "(?:we(?:'re| are) |is |are |now )?hiring": 3,
    "\\[(?:job|jobs|hiring|vacancy|role|position|opportunity)\\]": 3,
    "jobs?|vacanc(?:y|ies)|positions?|roles?|openings?|opportunit(?:y|ies)": 2,
    "apply|applicants": 2,
    "apply (?:to|for|now)": 3,
    "applications?": 1,
    "accepting (?:applications|proposals|submissions|applicants)": 3,
    "call for [a-z]+": 3,
    "needs? (?:great |more |good )?(?:engineers|researchers|people|help|contributors)": 2,
    "contest|competition|prizes?": 2,
    "(?:next|new|final) round|round \\d": 2,
    "applications? (?:are |is )?(?:now )?open": 3,
    "call for (?:applications|proposals|mentees|mentors|participants|papers|project leads)": 3,
    "(?:request|requests) for (?:proposals|projects|applications)|rfps?": 3,
    "fellowships?|fellows?|scholars?|scholarships?|residenc(?:y|ies)|internships?|interns?": 2,
    "grants?|funding|fund is open|regrants?|bounty": 1,
    "programs?|programmes?|course|bootcamp|cohort|workshop|camp|practicum": 1,
    "reading group|mentors?": 1,
    "seeking|seeks|looking for|wanted|invited": 2,
    "deadline|apply by|due by|closing": 2,
    "announcing|launching|introducing": 1,
    "retrospective|results|winners|summary|report|reflections|lessons|review|critique": -4,
    "what i learned|my experience|i applied|post-mortem|postmortem|ama|recommendations": -3,
    "update|updates": -2,
    # Asking readers for money, or inviting them to an event, is not an opportunity.
    "(?:looking for|seeking|need|needs) (?:funding|donations|donors)|fundraising|donate": -4,
    "(?:un)?conferences?|meetups?|meet-ups?": -3,
    "experiences|learnings": -3,
    "\\?$": -2,
}
# "March 3", "3rd of March", "Mar. 3".
_MONTH = "(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\\.?"
_DAY = f"{_MONTH} \\d{{1,2}}(?:st|nd|rd|th)?|\\d{{1,2}}(?:st|nd|rd|th)? (?:of )?{_MONTH}"
BODY_CUES: dict[str, float] = {
    "applications? (?:are |is )?(?:now )?(?:open|being accepted)": 3,
    "(?:now )?accepting (?:applications|proposals|submissions)": 3,
    "(?:you can |please )?apply (?:here|now|online|by|before|via|through|at|using|on our)": 3,
    "apply to (?:join|be|become|participate|the)": 2,
    "(?:application|applications) (?:deadline|close|closes|due|form)": 3,
    "application process": 1,
    "deadline (?:to apply|for applications|is)": 3,
    "(?:we(?:'re| are)|is|are) (?:currently )?(?:hiring|recruiting)": 3,
    "(?:we(?:'re| are)|is|are) (?:currently )?(?:looking for|seeking)": 2,
    "(?:want|wants|would like|would love) to (?:interview|hear from|talk to) you": 3,
    "to enter|submit (?:your |an )?entry|entries (?:close|are due)": 2,
    "(?:stipend|salary|compensation)s?": 1,
    "(?:submit|send) (?:an |your )?(?:application|proposal|cv|resume)": 2,
    "express(?:ion of)? interest|expression of interest form": 2,
    "(?:sign|signing) up|register (?:here|now|by)": 1.5,
    "(?:we|you) (?:invite|encourage) (?:you |people |applicants )?to apply": 3,
    "applications?": 1,
    "apply": 1,
    "deadline": 1,
    "(?:in this post|this post) (?:i|we) (?:describe|reflect|summari[sz]e|review)": -2,
    "(?:i|we) (?:ran|organi[sz]ed|attended|participated in)": -1,
    # How to take part: a form to fill in, hours a week, what participants will do.
    "fill (?:out|in)": 2,
    "join us": 1,
    "(?:hours?|days?) (?:a|per) week": 1,
    "participants will": 1,
    # A deadline with its date: announcements give one, essays about programs rarely do.
    "(?:deadline|apply by|apply before|applications? (?:close|closes|are due|due)|due by|"
    "submit by)[^.;]{0,40}?(?:" + _DAY + ")": 3,
}


@dataclass(frozen=True)
class Decision:
    value: bool
    score: float
    cues: tuple[tuple[str, str, float], ...]  # (field, phrase, weight): the evidence


_Cue = tuple[str, float]  # (the cue as written, its weight)


@cache
def _matchers() -> tuple[PhraseMatcher[_Cue], PhraseMatcher[_Cue]]:
    return (
        PhraseMatcher((cue, (cue, weight)) for cue, weight in TITLE_CUES.items()),
        PhraseMatcher((cue, (cue, weight)) for cue, weight in BODY_CUES.items()),
    )


def is_opportunity(title: str, body: str = "") -> Decision:
    """Whether a post announces something to apply to, with the cues that decided it."""
    title_matcher, body_matcher = _matchers()
    # (field, cue) -> (the text it matched first, weight): each cue counts once per field,
    # so "you can apply by" and a later "apply by" are one "apply by" cue, not two.
    cues: dict[tuple[str, str], tuple[str, float]] = {}
    for field_name, matcher, text in (
        ("title", title_matcher, prepare(title, 500)),
        ("body", body_matcher, prepare(body, BODY_CHARS)),
    ):
        for _, phrase, targets in matcher.scan(text):
            cue, weight = max(targets, key=lambda target: abs(target[1]))  # strongest reading
            cues.setdefault((field_name, cue), (phrase, weight))
    voice = len(_FIRST_PERSON.findall(prepare(body, FIRST_PERSON_CHARS)))
    if voice >= FIRST_PERSON_MIN:
        essay = f"'i' {voice} times: a personal essay"
        cues[("body", essay)] = (essay, FIRST_PERSON_WEIGHT)
    found = [(f, phrase, w) for (f, _), (phrase, w) in cues.items()]
    body_score = sum(w for f, _, w in found if f == "body")
    score = sum(w for f, _, w in found if f == "title") + min(body_score, 6.0)
    evidence = tuple(sorted(found, key=lambda cue: -abs(cue[2])))
    return Decision(score >= THRESHOLD, score, evidence[:5])


# Links in a post that are not the employer's or program's own page: the forums themselves,
# social media, papers and video. Suffix match: "x.com" also covers "www.x.com".
NOT_EMPLOYER_HOSTS = (
    "effectivealtruism.org", "lesswrong.com", "alignmentforum.org", "greaterwrong.com",
    "twitter.com", "x.com", "facebook.com", "instagram.com", "youtube.com", "youtu.be",
    "linkedin.com", "substack.com", "medium.com", "wikipedia.org", "arxiv.org", "doi.org",
    "github.com", "discord.gg", "discord.com", "slack.com", "t.me", "bit.ly",
)  # fmt: skip


def _employer_host(host: str, post_host: str) -> bool:
    host = host.lower().rstrip(".")
    if not host or host == post_host:
        return False
    return not any(host == h or host.endswith("." + h) for h in NOT_EMPLOYER_HOSTS)


def apply_link(body_html: str, post_url: str = "") -> str | None:
    """The first link in a post's body to an employer's or program's own page (where
    a reader applies), or None. Links to forums, social media and papers are skipped."""
    if not body_html or "href" not in body_html:
        return None
    try:
        root = lxml.html.fragment_fromstring(body_html, create_parent="div")
    except (etree.ParserError, ValueError):
        return None
    post_host = (urlsplit(post_url).hostname or "").lower()
    for href in root.xpath("//a/@href"):
        link = str(href).strip()
        try:
            parts = urlsplit(link)
        except ValueError:
            continue
        if parts.scheme in ("http", "https") and _employer_host(parts.hostname or "", post_host):
            return link
    return None
