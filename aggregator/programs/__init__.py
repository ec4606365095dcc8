"""Programs: fellowships, courses and grant rounds that open in cycles.

``config`` loads the maintained ``config/programs.toml`` and syncs it to the
database; ``status`` says whether a program is open, closed or expected (from its
usual months and past cycles); ``detect`` records new cycles from postings and
forum announcements that name a program, and from changes of a program page's
key-dates section (``page`` fingerprints that section). The web pages live in
:mod:`aggregator.web.programs`; ``follows`` is "tell me when it opens",
``posting_follows`` "tell me when this organization, mentor or team posts", both
confirmed by ``optin`` and sent exactly once by ``delivery``. Sits above ``crawl``
(pages are read through the crawl runner) and below ``web`` and ``digest``: may import
``crawl``, ``mail``, ``tokens``, ``db``, ``normalize`` and the foundations.
"""
