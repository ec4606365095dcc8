"""Write the recorded payloads of the offline demo into aggregator/demo/data/site/.

    .venv/bin/python tools/make_demo_data.py

The postings come from tools/demo_catalog.py ([sample data]: invented postings at
real organizations of the field). The output is deterministic: ids are UUID5/hashes of
the titles and every date is a placeholder such as ``{{iso:-3}}`` (three days before
the demo server starts) that aggregator/demo/server.py fills in at serve time, so the
demo never goes stale. ``{{server}}`` becomes the server's own http://127.0.0.1:PORT.
Commit both this script and its output.
"""

from __future__ import annotations

import hashlib
import html
import json
import shutil
import sys
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from demo_catalog import (
    ASHBY,
    BODIES,
    EIGHTY_K,
    FORUM,
    GOVAI,
    GREENHOUSE,
    JSONLD,
    JSONLD_ORG,
    LEVER,
    MATS,
    ORG_INTROS,
    REDWOOD,
    Job,
)

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "aggregator" / "demo" / "data"
SITE = OUT / "site"
NS = uuid.UUID("6f1d7c1e-3a5b-4d7e-9c4a-5a3e2d1c0b9a")
SAMPLE_NOTE = (
    "<p><em>[sample data] This posting was invented for the aisafety-jobs offline demo; "
    "it is not a real opening.</em></p>"
)
MODE_TEXT = {
    "remote": "This role is fully remote.",
    "hybrid": "Hybrid: we expect you in the office at least three days a week.",
    "onsite": "This role is in person at our office (on-site).",
}
routes: dict[str, list[str]] = {}


def uid(*parts: str) -> str:
    return str(uuid.uuid5(NS, "/".join(parts)))


def num_id(*parts: str, base: int = 4_000_000) -> int:
    return base + int(hashlib.sha256("/".join(parts).encode()).hexdigest()[:6], 16) % 900_000


def slugify(title: str) -> str:
    out = "".join(c.lower() if c.isalnum() else "-" for c in title)
    return "-".join(p for p in out.split("-") if p)[:60]


def money(value: float, currency: str) -> str:
    symbol = {"USD": "$", "GBP": "£", "EUR": "€"}.get(currency, currency + " ")
    return f"{symbol}{value:,.0f}"


def salary_sentence(job: Job) -> str:
    if job.salary:
        lo, hi, cur, period = job.salary
        return f"Compensation: {money(lo, cur)} - {money(hi, cur)} per {period.lower()}."
    return f"Compensation: {job.salary_text}." if job.salary_text else ""


def description(org: str, job: Job, *, with_salary: bool = False) -> str:
    parts = [f"<p>{html.escape(ORG_INTROS.get(org, org))}</p>", "<h3>About the role</h3>"]
    parts.append(f"<p>{html.escape(BODIES[job.kind])}</p>")
    if job.extra:
        parts.append(f"<p>{html.escape(job.extra)}</p>")
    where = f"Location: {'; '.join(job.locations)}. {MODE_TEXT.get(job.mode or '', '')}"
    parts.append(f"<p>{html.escape(where.strip())}</p>")
    if with_salary and salary_sentence(job):
        parts.append(f"<p>{html.escape(salary_sentence(job))}</p>")
    parts.append(SAMPLE_NOTE)
    return "".join(parts)


def plain(markup: str) -> str:
    import re

    return html.unescape(re.sub(r"<[^>]+>", " ", markup)).replace("  ", " ").strip()


def write(path: str, content: str, ctype: str) -> None:
    """Write site/<file> and route URL ``path`` to it."""
    rel = path.strip("/").replace("/", "__") or "index"
    suffix = {"application/json": ".json", "application/rss+xml": ".xml"}.get(ctype, ".html")
    if ctype == "text/plain":
        suffix = ".txt"
    target = SITE / (rel if rel.endswith(suffix) else rel + suffix)
    target.write_text(content, encoding="utf-8")
    routes[path] = [f"site/{target.name}", ctype]


def dump(data: Any) -> str:
    text = json.dumps(data, indent=1, ensure_ascii=False)
    # epoch placeholders become bare numbers at serve time: keep them quoted here
    return text + "\n"


# -- Greenhouse ------------------------------------------------------------------------
def greenhouse_job(token: str, host: str, org: str, job: Job) -> tuple[dict[str, Any], str]:
    job_id = num_id("gh", token, job.title)
    board_host = "job-boards.eu.greenhouse.io" if host == "eu" else "job-boards.greenhouse.io"
    url = f"https://{board_host}/{token}/jobs/{job_id}"
    metadata = None
    if job.mode in ("hybrid", "onsite") and job_id % 3:
        label = {"hybrid": "Hybrid", "onsite": "On-site"}[job.mode]
        metadata = [
            {"id": 9100, "name": "Workplace Type", "value": label, "value_type": "single_select"}
        ]
    location = job.locations[0]
    if job.mode == "remote" and "remote" not in location.lower():
        location = f"Remote-Friendly | {location}"
    record: dict[str, Any] = {
        "absolute_url": url,
        "data_compliance": [
            {
                "type": "gdpr",
                "requires_consent": False,
                "requires_processing_consent": False,
                "requires_retention_consent": False,
                "retention_period": None,
                "demographic_data_consent_applies": False,
            }
        ],
        "internal_job_id": job_id - 350_000,
        "location": {"name": location},
        "metadata": metadata,
        "id": job_id,
        "updated_at": f"{{{{iso:{job.posted + 1}}}}}",
        "requisition_id": f"R{job_id % 10_000:04d}",
        "title": job.title,
        "company_name": org,
        "first_published": f"{{{{iso:{job.posted}}}}}",
        "language": "en",
        "application_deadline": f"{{{{iso:{job.deadline}}}}}" if job.deadline else None,
        "content": html.escape(description(org, job)),
        "departments": [
            {
                "id": num_id("dep", job.team or "General"),
                "name": job.team or "General",
                "child_ids": [],
                "parent_id": None,
            }
        ],
        "offices": [
            {
                "id": num_id("office", loc),
                "name": loc.strip(),
                "location": None,
                "child_ids": [],
                "parent_id": None,
            }
            for loc in location.replace(";", "|").split("|")
            if loc.strip()
        ],
    }
    if job.salary:
        lo, hi, cur, period = job.salary
        title = job.fields.get("pay_title", _GH_TITLES[period])
        record["pay_input_ranges"] = [
            {
                "min_cents": int(lo * 100),
                "max_cents": int(hi * 100),
                "currency_type": cur,
                "title": title,
                "blurb": "The expected base pay for this role is shown below.",
            }
        ]
    return record, url


_GH_TITLES = {"YEAR": "Annual Salary", "HOUR": "Hourly Rate", "MONTH": "Monthly Stipend"}


# -- Lever -----------------------------------------------------------------------------
def lever_posting(token: str, org: str, job: Job) -> tuple[dict[str, Any], str]:
    pid = uid("lever", token, job.title)
    url = f"https://jobs.lever.co/{token}/{pid}"
    opening = f"<div>{html.escape(ORG_INTROS[org])}</div>"
    body = description(org, job).split("<h3>About the role</h3>", 1)[1]
    lists = [
        {
            "text": "What you will do",
            "content": f"<li>{html.escape(BODIES[job.kind][:140])}…</li>"
            "<li>Work closely with a small, mission-driven team</li>",
        },
        {
            "text": "You may be a good fit if you",
            "content": "<li>Care about reducing risks from advanced AI</li>"
            "<li>Communicate clearly in writing</li>",
        },
    ]
    record: dict[str, Any] = {
        "_sample_data": True,
        "additional": "<div>We encourage applications from people of all backgrounds.</div>",
        "additionalPlain": "We encourage applications from people of all backgrounds.",
        "categories": {
            "commitment": {"Contract": "Contractor", "Fellowship": "Fellowship"}.get(
                job.employment, "Full-time"
            ),
            "department": job.team or "General",
            "location": job.locations[0],
            "team": job.team or "General",
            "allLocations": job.locations,
        },
        "country": "GB"
        if "London" in job.locations[0]
        else ("BE" if "Brussels" in job.locations[0] else "US"),
        "createdAt": f"{{{{epoch_ms:{job.posted}}}}}",
        "descriptionPlain": plain(opening + body),
        "description": opening + body,
        "descriptionBody": body,
        "descriptionBodyPlain": plain(body),
        "opening": opening,
        "openingPlain": plain(opening),
        "id": pid,
        "lists": lists,
        "text": job.title,
        "hostedUrl": url,
        "applyUrl": f"{url}/apply",
        "workplaceType": {"onsite": "onsite", "hybrid": "hybrid", "remote": "remote"}.get(
            job.mode or "", "unspecified"
        ),
    }
    if job.salary:
        lo, hi, cur, period = job.salary
        interval = "per-hour-wage" if period == "HOUR" else "per-year-salary"
        record["salaryRange"] = {"currency": cur, "interval": interval, "min": lo, "max": hi}
    if job.salary or job.salary_text:
        text = job.salary_text or salary_sentence(job)
        record["salaryDescription"] = f"<div>{html.escape(text)}</div>"
        record["salaryDescriptionPlain"] = text
    return record, url


# -- Ashby -----------------------------------------------------------------------------
def ashby_job(token: str, org: str, job: Job) -> tuple[dict[str, Any], str]:
    jid = uid("ashby", token, job.title)
    url = f"https://jobs.ashbyhq.com/{token}/{jid}"
    places = [p.strip() for p in job.locations[0].split(";")]
    workplace = {"remote": "Remote", "hybrid": "Hybrid", "onsite": "OnSite"}.get(job.mode or "")
    comp: dict[str, Any] = {
        "compensationTierSummary": None,
        "scrapeableCompensationSalarySummary": None,
        "compensationTiers": [],
        "summaryComponents": [],
    }
    if job.salary:
        lo, hi, cur, period = job.salary
        summary = f"{money(lo / 1000, cur)}K – {money(hi / 1000, cur)}K • Offers Equity"
        component = {
            "compensationType": "Salary",
            "interval": f"1 {period}",
            "currencyCode": cur,
            "minValue": lo,
            "maxValue": hi,
        }
        comp = {
            "compensationTierSummary": summary,
            "scrapeableCompensationSalarySummary": summary.split(" •")[0],
            "compensationTiers": [
                {
                    "id": uid("tier", jid),
                    "tierSummary": summary,
                    "title": "Zone A",
                    "additionalInformation": None,
                    "components": [dict(component, id=uid("c", jid))],
                }
            ],
            "summaryComponents": [component],
        }
    elif job.salary_text:
        comp["compensationTierSummary"] = job.salary_text
        comp["scrapeableCompensationSalarySummary"] = job.salary_text
    markup = description(org, job)
    record = {
        "id": jid,
        "title": job.title,
        "department": job.team or "General",
        "team": job.team or "General",
        "employmentType": job.employment
        if job.employment in ("FullTime", "PartTime", "Intern", "Contract", "Temporary")
        else "FullTime",
        "location": places[0],
        "secondaryLocations": [
            {
                "location": p,
                "address": {
                    "postalAddress": {
                        "addressLocality": p.split(",")[0],
                        "addressRegion": "",
                        "addressCountry": "",
                    }
                },
            }
            for p in places[1:]
        ],
        "publishedAt": f"{{{{iso:{job.posted}}}}}",
        "isListed": True,
        "isRemote": job.mode in ("remote", "hybrid"),
        "workplaceType": workplace,
        "address": {
            "postalAddress": {
                "addressLocality": places[0].split(",")[0],
                "addressRegion": "",
                "addressCountry": "",
            }
        },
        "jobUrl": url,
        "applyUrl": f"{url}/application",
        "descriptionHtml": markup,
        "descriptionPlain": plain(markup),
        "shouldDisplayCompensationOnJobPostings": bool(job.salary or job.salary_text),
        "compensation": comp,
    }
    return record, url


# -- 80,000 Hours board ----------------------------------------------------------------
def board_hit(
    n: int,
    org: str,
    title: str,
    url: str,
    markup: str,
    locations: list[str],
    *,
    salary: str | None,
    deadline: int | None,
    posted: int,
    remote: bool,
    role_types: list[str],
    skills: list[str],
    countries: list[str],
) -> dict[str, Any]:
    pk = 30_000 + n
    return {
        "objectID": str(pk),
        "post_pk": pk,
        "title": title,
        "company_name": org,
        "company_id": num_id("80k-company", org, base=1000),
        "company_url": "",
        "company_career_page_url": "",
        "company_description": ORG_INTROS.get(org, f"{org} works on AI safety."),
        "description_short": plain(markup)[:200],
        "description": markup,
        "url_external": f"{url}?utm_source=80000hours",
        "posted_at": f"{{{{epoch:{posted}}}}}",
        "created_at": f"{{{{epoch:{posted}}}}}",
        "updated_at": f"{{{{epoch:{posted}}}}}",
        "closes_at": f"{{{{epoch:{deadline}}}}}" if deadline else None,
        "salary": salary,
        "salary_limit": None,
        "experience_min": None,
        "card_locations": locations,
        "tags_area": ["AI safety & policy"],
        "tags_skill": skills,
        "tags_role_type": role_types,
        "tags_exp_required": [],
        "tags_degree_required": [],
        "tags_country": countries,
        "tags_city": [loc.split(",")[0] for loc in locations if loc != "Remote"],
        "tags_location_80k": (["Remote"] if remote else []) + locations,
        "evergreen": False,
        "repost": False,
    }


def eighty_k(duplicates: list[tuple[str, Job, str]]) -> None:
    hits = []
    for org, job, url in duplicates:
        remote = job.mode == "remote"
        salary = None
        if job.salary:
            lo, hi, cur, _ = job.salary
            salary = f"{money(lo, cur)} - {money(hi, cur)}"
        hits.append(
            board_hit(
                len(hits),
                org,
                job.title,
                url,
                description(org, job),
                job.locations,
                salary=salary or job.salary_text,
                deadline=job.deadline,
                posted=job.posted + 1,
                remote=remote,
                role_types=["Fellowship" if job.kind == "fellowship" else "Full-time"],
                skills=["Research"],
                countries=[],
            )
        )
    for hit in EIGHTY_K:
        fake = Job(hit.title, hit.kind, hit.locations, "remote" if hit.remote else None)
        markup = description(hit.org, fake)
        hits.append(
            board_hit(
                len(hits),
                hit.org,
                hit.title,
                hit.url,
                markup,
                hit.locations,
                salary=hit.salary,
                deadline=hit.deadline,
                posted=hit.posted,
                remote=hit.remote,
                role_types=hit.role_types,
                skills=hit.skills,
                countries=hit.countries,
            )
        )
    write(
        "/80k/1/indexes/jobs_prod/query",
        dump(
            {
                "_sample_data": True,
                "hits": hits,
                "nbHits": len(hits),
                "page": 0,
                "nbPages": 1,
                "hitsPerPage": 1000,
                "exhaustiveNbHits": True,
                "query": "",
                "params": "query=&hitsPerPage=1000&page=0",
                "processingTimeMS": 1,
            }
        ),
        "application/json",
    )
    write("/80k/", BOARD_PAGE, "text/html")


BOARD_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Job board | 80,000 Hours [sample data]</title>
</head><body><!-- [sample data] a stand-in for the board page of jobs.80000hours.org -->
<div id="__nuxt"><p>[sample data] Loading jobs…</p></div>
<script>window.__NUXT__={config:{public:{algoliaAppId:"DEMO0SAMPLE",algoliaSearchKey:"sample0search0only0key",algoliaIndex:"jobs_prod",siteUrl:"https://jobs.80000hours.org"},app:{baseURL:"/",buildAssetsDir:"/_nuxt/"}}}</script>
</body></html>
"""


# -- EA Forum RSS (ForumMagnum) --------------------------------------------------------
def forum() -> None:
    items = []
    for post in FORUM:
        link = f"https://forum.effectivealtruism.org/posts/{post.post_id}/{post.slug}"
        body = (
            f"Published on {{{{long:{post.posted}}}}}<br/><br/>{post.body}"
            f"<p><em>[sample data] an invented post for the aisafety-jobs demo.</em></p>"
            f'<br/><br/><a href="{link}#comments">Discuss</a>'
        )
        items.append(
            f"<item><title><![CDATA[{post.title}]]></title>"
            f"<description><![CDATA[{body}]]></description>"
            f'<link>{link}</link><guid isPermaLink="false">{post.post_id}</guid>'
            f"<dc:creator><![CDATA[{post.author}]]></dc:creator>"
            f"<pubDate>{{{{rfc822:{post.posted}}}}}</pubDate></item>"
        )
    feed = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        "<!-- [sample data] invented posts in the shape of the EA Forum RSS feed -->\n"
        '<rss xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:atom="http://www.w3.org/2005/Atom" version="2.0"><channel>'
        "<title><![CDATA[EA Forum [sample data]]]></title>"
        "<description><![CDATA[A sample of EA Forum posts]]></description>"
        "<link>https://forum.effectivealtruism.org</link>"
        "<generator>RSS for Node</generator>"
        "<lastBuildDate>{{rfc822:0}}</lastBuildDate>" + "\n".join(items) + "</channel></rss>\n"
    )
    write("/forum/feed.xml", feed, "application/rss+xml")


# -- JSON-LD careers site --------------------------------------------------------------
def page(title: str, body: str, head: str = "") -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)} [sample data]</title>{head}</head><body>"
        f"<!-- [sample data] invented page for the aisafety-jobs offline demo -->"
        f'<p class="sample-banner">[sample data] invented for the aisafety-jobs demo</p>'
        f"{body}</body></html>\n"
    )


def jsonld_site() -> None:
    links = []
    for job in JSONLD:
        slug = slugify(job.title)
        links.append(f'<li><a href="/palisade/jobs/{slug}">{html.escape(job.title)}</a></li>')
        data: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "JobPosting",
            "title": job.title,
            "description": html.escape(description(JSONLD_ORG, job, with_salary=True)),
            "identifier": {
                "@type": "PropertyValue",
                "name": JSONLD_ORG,
                "value": str(num_id("palisade", slug, base=1000)),
            },
            "datePosted": f"{{{{iso:{job.posted}}}}}",
            "employmentType": job.employment,
            "hiringOrganization": {
                "@type": "Organization",
                "name": JSONLD_ORG,
                "sameAs": "https://palisaderesearch.org",
            },
            "directApply": False,
        }
        if job.deadline:
            data["validThrough"] = f"{{{{iso:{job.deadline}}}}}"
        if job.mode == "remote":
            data["jobLocationType"] = "TELECOMMUTE"
            data["applicantLocationRequirements"] = {"@type": "Country", "name": "US"}
        else:
            city, region, country = (p.strip() for p in job.locations[0].split(","))
            data["jobLocation"] = [
                {
                    "@type": "Place",
                    "address": {
                        "@type": "PostalAddress",
                        "addressLocality": city,
                        "addressRegion": region,
                        "addressCountry": country,
                    },
                }
            ]
        if job.salary:
            lo, hi, cur, period = job.salary
            value: dict[str, Any] = {"@type": "QuantitativeValue", "unitText": period}
            if lo == hi:
                value["value"] = lo
            else:
                value.update(minValue=lo, maxValue=hi)
            data["baseSalary"] = {"@type": "MonetaryAmount", "currency": cur, "value": value}
        head = (
            '<script type="application/ld+json">'
            + json.dumps(data, ensure_ascii=False)
            + "</script>"
        )
        body = f"<h1>{html.escape(job.title)}</h1>" + description(JSONLD_ORG, job, with_salary=True)
        write(f"/palisade/jobs/{slug}", page(job.title, body, head), "text/html")
    listing = (
        f'<h1>Careers at {JSONLD_ORG}</h1><ul class="openings">{"".join(links)}</ul>'
        '<p><a href="/palisade/about">About us</a></p>'
    )
    write("/palisade/careers", page("Careers", listing), "text/html")


# -- bespoke HTML pages (MATS, GovAI, Redwood) -----------------------------------------
def detail(prefix: str, slug: str, title: str, org: str, kind: str, extra: str) -> None:
    body = (
        f"<h1>{html.escape(title)}</h1><p>{html.escape(ORG_INTROS[org])}</p>"
        f"<p>{html.escape(BODIES[kind])}</p><p>{html.escape(extra)}</p>{SAMPLE_NOTE}"
    )
    write(f"{prefix}/{slug}", page(title, body), "text/html")


def bespoke() -> None:
    sections = []
    for title, kind, loc, typ, deadline, slug, extra in MATS:
        summary = f"<p>{html.escape(extra)}</p><p>{html.escape(BODIES[kind])}</p>"
        sections.append(
            f'<section class="opportunity"><h3 class="opportunity-title">'
            f'<a href="/mats/apply/{slug}">{html.escape(title)}</a></h3>'
            f'<p class="opportunity-location">{html.escape(loc)}</p>'
            f'<p class="opportunity-type">{typ}</p>'
            f'<p class="opportunity-deadline"><time datetime="{{{{date:{deadline}}}}}">'
            f"{{{{long:{deadline}}}}}</time></p>"
            f'<div class="opportunity-summary">{summary}</div></section>'
        )
        detail("/mats/apply", slug, title, "MATS", kind, extra)
    write("/mats/apply", page("Apply to MATS", "<h1>Apply</h1>" + "".join(sections)), "text/html")

    articles = []
    for title, kind, loc, typ, deadline, slug, extra in GOVAI:
        when = f'<span class="job-deadline">{{{{date:{deadline}}}}}</span>' if deadline else ""
        articles.append(
            f'<article class="job"><h2 class="job-title"><a href="/govai/post/{slug}">'
            f'{html.escape(title)}</a></h2><div class="job-meta">'
            f'<span class="job-location">{html.escape(loc)}</span>'
            f'<span class="job-type">{typ}</span>{when}</div>'
            f'<div class="job-excerpt"><p>{html.escape(extra)}</p>'
            f"<p>{html.escape(BODIES[kind])}</p></div></article>"
        )
        detail("/govai/post", slug, title, "GovAI", kind, extra)
    write(
        "/govai/opportunities",
        page("Opportunities | GovAI", "<h1>Opportunities</h1>" + "".join(articles)),
        "text/html",
    )

    items = []
    for title, kind, loc, typ, slug, extra in REDWOOD:
        items.append(
            f'<li class="career"><a class="career-link" href="/redwood/careers/{slug}">'
            f'<span class="career-title">{html.escape(title)}</span></a>'
            f'<span class="career-location">{html.escape(loc)}</span>'
            f'<span class="career-type">{typ}</span>'
            f'<div class="career-description"><p>{html.escape(extra)}</p>'
            f"<p>{html.escape(BODIES[kind])}</p></div></li>"
        )
        detail("/redwood/careers", slug, title, "Redwood Research", kind, extra)
    write(
        "/redwood/careers",
        page("Careers | Redwood Research", f'<ul class="careers">{"".join(items)}</ul>'),
        "text/html",
    )


# key, org, org_type, platform, token, URL path on the demo server, options
SOURCE_KEYS = {
    "anthropic": "anthropic",
    "deepmind": "google_deepmind",
    "goodfire": "goodfire",
    "aisi": "uk_aisi",
    "metr": "metr",
    "apolloresearch": "apollo_research",
    "epoch-ai": "epoch_ai",
    "futureof-life": "future_of_life_institute",
    "openai": "openai",
    "far.ai": "far_ai",
    "miri": "miri",
    "coefficientgiving": "coefficient_giving",
    "bluedot": "bluedot_impact",
}
ORG_TYPES = {
    "Anthropic": "lab",
    "Google DeepMind": "lab",
    "Goodfire": "lab",
    "OpenAI": "lab",
    "UK AI Security Institute": "government",
    "Coefficient Giving": "funder",
    "BlueDot Impact": "program",
}
EXTRA_SOURCES: list[tuple[str, str, str, str, str, dict[str, str]]] = [
    (
        "eighty_k_board",
        "80,000 Hours job board",
        "board",
        "eighty_k",
        "/80k/",
        {"area": "AI safety & policy"},
    ),
    (
        "ea_forum_ai_safety",
        "EA Forum",
        "board",
        "feed",
        "/forum/feed.xml",
        {"feed_type": "forum", "filter": "opportunities"},
    ),
    ("palisade_research", JSONLD_ORG, "nonprofit", "jsonld", "/palisade/careers", {}),
    ("mats", "MATS", "program", "mats", "/mats/apply", {}),
    ("govai", "GovAI", "nonprofit", "govai", "/govai/opportunities", {}),
    ("redwood_research", "Redwood Research", "nonprofit", "redwood", "/redwood/careers", {}),
]


def sources_template() -> str:
    rows: list[tuple[str, str, str, str, str | None, str, dict[str, str]]] = []
    for token, (org, _host, _jobs) in GREENHOUSE.items():
        rows.append(
            (
                SOURCE_KEYS[token],
                org,
                ORG_TYPES.get(org, "nonprofit"),
                "greenhouse",
                token,
                f"/greenhouse/v1/boards/{token}/jobs",
                {},
            )
        )
    for token, (org, _host, _jobs) in LEVER.items():
        rows.append(
            (
                SOURCE_KEYS[token],
                org,
                "nonprofit",
                "lever",
                token,
                f"/lever/v0/postings/{token}",
                {},
            )
        )
    for token, (org, _jobs) in ASHBY.items():
        rows.append(
            (
                SOURCE_KEYS[token],
                org,
                ORG_TYPES.get(org, "nonprofit"),
                "ashby",
                token,
                f"/ashby/posting-api/job-board/{token}",
                {},
            )
        )
    rows += [(k, o, t, p, None, path, opts) for k, o, t, p, path, opts in EXTRA_SOURCES]
    out = [
        "# [sample data] The demo's source registry: the bundled recorded payloads, served by",
        "# aggregator/demo/server.py. `aisafety-jobs demo` replaces {{server}} with the local",
        "# server's URL and writes the result as sources.toml into the demo data dir.",
        "# Generated by tools/make_demo_data.py.",
    ]
    for key, org, org_type, platform, token, path, opts in rows:
        out += [
            "",
            "[[sources]]",
            f'key = "{key}"',
            f'org = "{org}"',
            f'org_type = "{org_type}"',
            f'platform = "{platform}"',
        ]
        if token:
            out.append(f'token = "{token}"')
        out.append(f'url = "{{{{server}}}}{path}"')
        out += [f'{name} = "{value}"' for name, value in opts.items()]
    return "\n".join(out) + "\n"


def main() -> None:
    if SITE.exists():
        shutil.rmtree(SITE)
    SITE.mkdir(parents=True)
    duplicates: list[tuple[str, Job, str]] = []
    for token, (org, host, jobs) in GREENHOUSE.items():
        records = []
        for job in jobs:
            record, url = greenhouse_job(token, host, org, job)
            records.append(record)
            if job.on_80k:
                duplicates.append((org, job, url))
        write(
            f"/greenhouse/v1/boards/{token}/jobs",
            dump({"_sample_data": True, "jobs": records, "meta": {"total": len(records)}}),
            "application/json",
        )
    for token, (org, _host, jobs) in LEVER.items():
        postings = []
        for job in jobs:
            record, url = lever_posting(token, org, job)
            postings.append(record)
            if job.on_80k:
                duplicates.append((org, job, url))
        write(f"/lever/v0/postings/{token}", dump(postings), "application/json")
    for token, (org, jobs) in ASHBY.items():
        records = []
        for job in jobs:
            record, url = ashby_job(token, org, job)
            records.append(record)
            if job.on_80k:
                duplicates.append((org, job, url))
        write(
            f"/ashby/posting-api/job-board/{token}",
            dump({"_sample_data": True, "apiVersion": "1", "jobs": records}),
            "application/json",
        )
    eighty_k(duplicates)
    forum()
    jsonld_site()
    bespoke()
    write("/robots.txt", "# [sample data] demo server\nUser-agent: *\nAllow: /\n", "text/plain")
    (OUT / "sources.template.toml").write_text(sources_template(), encoding="utf-8")
    (OUT / "routes.json").write_text(
        json.dumps(dict(sorted(routes.items())), indent=1) + "\n", encoding="utf-8"
    )
    print(f"wrote {len(routes)} routes into {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
