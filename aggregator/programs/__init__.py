"""Programs: fellowships, courses and grant rounds that open in cycles.

``config`` loads the maintained ``config/programs.toml`` and syncs it to the
database; ``status`` says whether a program is open, closed or expected (from its
usual months and past cycles); ``detect`` records new cycles from postings and
forum announcements that name a program, and from changes of a program page's
key-dates section (``page`` fingerprints that section). The web pages live in
:mod:`aggregator.web.programs`. May import ``db``, ``normalize`` and ``crawl``.
"""
