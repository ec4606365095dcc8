"""MATS (ML Alignment & Theory Scholars): programme calls on matsprogram.org/apply.

Expected HTML (one ``section.opportunity`` per open call)::

    <section class="opportunity">
      <h3 class="opportunity-title"><a href="/apply/winter-2027">MATS Winter 2027</a></h3>
      <p class="opportunity-location">Berkeley, CA; London, UK</p>
      <p class="opportunity-type">Fellowship</p>
      <p class="opportunity-deadline"><time datetime="2026-10-02">2 October 2026</time></p>
      <div class="opportunity-summary"><p>Ten weeks of mentored research…</p></div>
    </section>

The link (made absolute) is the posting URL and id; ``time@datetime`` the deadline.
"""

from spiders.html import HtmlListingSpider


class MatsSpider(HtmlListingSpider):
    name = "mats"
    default_url = "https://www.matsprogram.org/apply"
    url_replaces = (
        f"`{default_url}` (the HTML this spider expects is in its module docstring; "
        "robots.txt is obeyed)"
    )
    item_css = "section.opportunity"
    title_css = ".opportunity-title a::text"
    link_css = ".opportunity-title a::attr(href)"
    location_css = ".opportunity-location::text"
    type_css = ".opportunity-type::text"
    deadline_css = ".opportunity-deadline time::attr(datetime)"
    description_css = ".opportunity-summary"
