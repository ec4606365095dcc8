"""Redwood Research: redwoodresearch.org/careers (no ATS since about 2024).

Expected HTML (one ``li.career`` per role)::

    <ul class="careers">
      <li class="career">
        <a class="career-link" href="/careers/mts"><span class="career-title">Member of
          Technical Staff</span></a>
        <span class="career-location">Berkeley, CA</span>
        <span class="career-type">Full-time</span>
        <div class="career-description"><p>Work on AI control…</p></div>
      </li>
    </ul>
"""

from spiders.html import HtmlListingSpider


class RedwoodSpider(HtmlListingSpider):
    name = "redwood"
    default_url = "https://www.redwoodresearch.org/careers"
    url_replaces = (
        f"`{default_url}` (the HTML this spider expects is in its module docstring; "
        "robots.txt is obeyed)"
    )
    item_css = "li.career"
    title_css = ".career-title::text"
    link_css = "a.career-link::attr(href)"
    location_css = ".career-location::text"
    type_css = ".career-type::text"
    description_css = ".career-description"
