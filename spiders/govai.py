"""GovAI (Centre for the Governance of AI): governance.ai/opportunities.

Expected HTML (one ``article.job`` per opening)::

    <article class="job">
      <h2 class="job-title"><a href="/post/research-scholar">Research Scholar</a></h2>
      <div class="job-meta">
        <span class="job-location">Oxford, UK / Remote</span>
        <span class="job-type">Fellowship</span>
        <span class="job-deadline">2026-12-01</span>
      </div>
      <div class="job-excerpt"><p>A one-year visiting position…</p></div>
    </article>
"""

from spiders.html import HtmlListingSpider


class GovaiSpider(HtmlListingSpider):
    name = "govai"
    default_url = "https://www.governance.ai/opportunities"
    url_replaces = (
        f"`{default_url}` (the HTML this spider expects is in its module docstring; "
        "robots.txt is obeyed)"
    )
    item_css = "article.job"
    title_css = ".job-title a::text"
    link_css = ".job-title a::attr(href)"
    location_css = ".job-location::text"
    type_css = ".job-type::text"
    deadline_css = ".job-deadline::text"
    description_css = ".job-excerpt"
