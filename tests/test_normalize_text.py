"""Sanitized HTML, plain text, one-line fields and canonical URLs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aggregator.items import RawPosting
from aggregator.normalize.posting import normalize
from aggregator.normalize.text import clean_line, html_to_text, sanitize_html
from aggregator.normalize.urls import canonical_url, is_http_url, strip_tracking

XSS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    "<svg onload=alert(1)>",
    "<style>body{display:none}</style>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    '<p style="color:red" onclick="x()">p</p>',
    '<iframe src="https://evil.example"></iframe>',
    "<a href='https://ok.example'><a href='data:text/html,x'>nested</a></a>",
]


@pytest.mark.parametrize("payload", XSS)
def test_no_active_content(payload: str) -> None:
    out = sanitize_html(payload).lower()
    for bad in ("<script", "onerror", "onclick", "onload", "javascript:", "<img", "<svg",
                "<style", "style=", "<iframe", "data:"):  # fmt: skip
        assert bad not in out


def test_escaped_html_unescaped_once() -> None:
    # Greenhouse content: entity-escaped markup; a literal "&amp;" inside stays "&amp;".
    html = "&lt;p&gt;R&amp;amp;D &lt;strong&gt;team&lt;/strong&gt;&lt;/p&gt;"
    assert sanitize_html(html) == "<p>R&amp;D <strong>team</strong></p>"
    # real markup that merely mentions an escaped tag is not unescaped
    assert sanitize_html("<p>use &lt;b&gt; tags</p>") == "<p>use &lt;b&gt; tags</p>"


def test_links_get_rel_and_keep_safe_schemes() -> None:
    out = sanitize_html(
        '<a href="https://x.example/a" target="_blank">a</a> <a href="mailto:j@x.example">m</a>'
    )
    assert 'href="https://x.example/a"' in out
    assert 'rel="noopener noreferrer nofollow"' in out
    assert "mailto:j@x.example" in out
    assert "target" not in out


def test_html_to_text() -> None:
    html = "<h2>About</h2><p>We are   great.</p><ul><li>One</li><li>Two</li></ul><p>a<br>b</p>"
    assert html_to_text(html) == "About\n\nWe are great.\n\n- One\n- Two\n\na\nb"
    assert html_to_text("&lt;p&gt;Hi &amp;amp; bye&lt;/p&gt;") == "Hi & bye"
    assert html_to_text("<script>x()</script>ok") == "ok"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Research\x00  Engineer\n ", "Research Engineer"),
        ("R&amp;D Lead", "R&D Lead"),
        ("<b>Bold</b> title<script>x</script>", "Bold title"),
        ("I <3 evals", "I <3 evals"),
        ("Zero\u200bwidth", "Zerowidth"),
        (None, ""),
    ],
)
def test_clean_line(raw: str | None, expected: str) -> None:
    assert clean_line(raw) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://Jobs.Example.ORG/Role/?utm_source=80000hours&utm_medium=x#apply",
         "https://jobs.example.org/Role"),
        ("https://boards.greenhouse.io/acme/jobs/123?gh_src=abc", "https://boards.greenhouse.io/acme/jobs/123"),
        ("https://job-boards.greenhouse.io/acme/jobs/123", "https://boards.greenhouse.io/acme/jobs/123"),
        ("https://acme.org/careers?gh_jid=456&gh_src=x", "https://acme.org/careers?gh_jid=456"),
        ("https://jobs.lever.co/acme/abc-123/apply?lever-source=80k", "https://jobs.lever.co/acme/abc-123"),
        ("http://www.acme.org:80/jobs/?b=2&a=1&fbclid=x&gclid=y&ref=z", "https://acme.org/jobs?a=1&b=2"),
        ("https://acme.org", "https://acme.org/"),
        ("not a url", "not a url"),
        ("http://[::1", "http://[::1"),
    ],
)  # fmt: skip
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_is_http_url() -> None:
    assert is_http_url("https://x.example/a")
    assert not is_http_url("javascript:alert(1)")
    assert not is_http_url("ftp://x.example")
    assert not is_http_url("https://")
    assert not is_http_url(None)


@given(st.text(max_size=300))
def test_text_functions_never_raise(text: str) -> None:
    assert "<script" not in sanitize_html(text).lower()
    html_to_text(text)
    assert "\n" not in clean_line(text)
    canonical_url(text)
    is_http_url(text)


def test_strip_tracking_keeps_the_url_but_its_tracking_parameters() -> None:
    url = "https://Example.org/jobs/1?utm_source=80000hours&gh_jid=42&ref=board#apply"
    assert strip_tracking(url) == "https://Example.org/jobs/1?gh_jid=42#apply"
    assert strip_tracking("https://example.org/jobs/1") == "https://example.org/jobs/1"


def test_posting_url_shown_without_tracking_parameters() -> None:
    raw = RawPosting(
        source_key="eighty_k_board",
        external_id="1",
        org="Example Org",
        title="Research Engineer",
        url="https://example.org/careers/re?utm_source=80000hours",
        apply_url="https://example.org/apply?utm_medium=board&id=7",
    )
    posting = normalize(raw)
    assert posting.url == "https://example.org/careers/re"
    assert posting.apply_url == "https://example.org/apply?id=7"
