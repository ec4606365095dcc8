"""Is a forum or board post an opportunity a reader can apply to? Read from title AND body.

Titles alone miss announcements titled "MARS" or "Research Fellow" whose body says plainly
that applications are open, and keep "What I learned running a fellowship". Each cue is a
weighted phrase of ``[announcements]`` in ``config/taxonomy.toml`` (title cues count in the
title, body cues in the first part of the body); retrospectives, results and personal
stories count against. The decision keeps the cues that made it, so a dropped post can be
explained.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

import lxml.html
from lxml import etree

from aggregator.normalize.phrase_matcher import PhraseMatcher
from aggregator.normalize.prepared import prepare
from aggregator.normalize.taxonomy import load_taxonomy
from aggregator.normalize.taxonomy_model import Taxonomy

# A body that says "I" this often in its opening is a personal essay (a retrospective, a
# story, advice), rarely a call to apply: it counts against.
FIRST_PERSON_CHARS = 3000
FIRST_PERSON_MIN = 8
FIRST_PERSON_WEIGHT = -1.0
_FIRST_PERSON = re.compile(r"\bi\b")
BODY_CHARS = 6000  # calls to apply come early; long essays mention "apply" in passing
NEGATED_CALL = 2.0  # a cue this strong inside a cue against does not count
CALL_WEIGHT = 3.0  # a title cue this strong is a call by itself ("is hiring", "apply for")


@dataclass(frozen=True)
class Decision:
    value: bool
    score: float
    cues: tuple[tuple[str, str, float], ...]  # (field, phrase, weight): the evidence


_Cue = tuple[str, float]  # (the cue as written, its weight)


@lru_cache(maxsize=8)  # per taxonomy, as the classifier's matchers
def _matchers(taxonomy: Taxonomy) -> tuple[PhraseMatcher[_Cue], PhraseMatcher[_Cue]]:
    cues = taxonomy.announcements
    return (
        PhraseMatcher((cue, (cue, weight)) for cue, weight in cues.title),
        PhraseMatcher((cue, (cue, weight)) for cue, weight in cues.body),
    )


def is_opportunity(title: str, body: str = "", taxonomy: Taxonomy | None = None) -> Decision:
    """Whether a post announces something to apply to, with the cues that decided it
    (``[announcements]`` of the taxonomy)."""
    taxonomy = taxonomy or load_taxonomy()
    title_matcher, body_matcher = _matchers(taxonomy)
    # (field, cue) -> (the text it matched first, weight): each cue counts once per field,
    # so "you can apply by" and a later "apply by" are one "apply by" cue, not two.
    cues: dict[tuple[str, str], tuple[str, float]] = {}
    for field_name, matcher, text in (
        ("title", title_matcher, prepare(title, 500)),
        ("body", body_matcher, prepare(body, BODY_CHARS)),
    ):
        hits = []
        for start, phrase, targets in matcher.scan(text):
            cue, weight = max(targets, key=lambda target: abs(target[1]))  # strongest reading
            hits.append((start, start + len(phrase), phrase, cue, weight))
        # A call inside a cue against ("accepting applications" in "we are not accepting
        # applications", "hiring managers" as the noun) is that cue's reading, not a call;
        # bare words (weight 1) are offset by the weights of the cues against instead.
        against = [(start, end) for start, end, _, _, weight in hits if weight < 0]
        for start, end, phrase, cue, weight in hits:
            if weight >= NEGATED_CALL and any(s <= start and end <= e for s, e in against):
                continue
            cues.setdefault((field_name, cue), (phrase, weight))
    voice = len(_FIRST_PERSON.findall(prepare(body, FIRST_PERSON_CHARS)))
    if voice >= FIRST_PERSON_MIN:
        essay = f"'i' {voice} times: a personal essay"
        cues[("body", essay)] = (essay, FIRST_PERSON_WEIGHT)
    found = [(f, phrase, w) for (f, _), (phrase, w) in cues.items()]
    body_score = sum(w for f, _, w in found if f == "body")
    score = sum(w for f, _, w in found if f == "title") + min(body_score, 6.0)
    evidence = tuple(sorted(found, key=lambda cue: -abs(cue[2])))
    value = score >= taxonomy.announcements.threshold
    if value and body_score <= 0 and body.strip():
        # A title that names a kind of opportunity ("Fellowship programs", "Jobs in X") over
        # a body that offers nothing is a post about them; a title that is itself a call
        # ("X is hiring", "Apply for ...", CALL_WEIGHT or more) still decides.
        value = any(f == "title" and w >= CALL_WEIGHT for f, _, w in found)
    return Decision(value, score, evidence[:5])


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
