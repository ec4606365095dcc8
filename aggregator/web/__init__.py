"""The web UI, the JSON API and the feeds (FastAPI + Jinja2 + vendored htmx).

:mod:`.app` builds the application; :mod:`.pages`, :mod:`.api`, :mod:`.feeds`,
:mod:`.subscribe` and :mod:`.manage` are its routes; :mod:`.query_params` turns query
strings into a validated filter; :mod:`.render` and :mod:`.facets` prepare what
templates show.

May import: ``aggregator.search``, ``aggregator.subscriptions``, ``aggregator.profiles``,
``aggregator.tokens``, ``aggregator.mail``, ``aggregator.normalize`` (labels),
``aggregator.db`` and the foundations. Never digest, crawl, store or the CLI.
"""
