"""Spiders: one small module per platform or bespoke site, over the bases in :mod:`.base`
(and value helpers in :mod:`.fields`); :mod:`.platforms` finds them (and plugins') and
says which are boards. Each yields :class:`aggregator.items.RawPosting` items exactly as
the source gave them; spiders never classify or store.

May import ``aggregator.items``, ``aggregator.normalize`` (pure text helpers) and the
foundations; never the database, store or anything above (``lint-imports`` checks).
``aggregator.store`` and ``aggregator.crawl`` read the platforms from here.
"""
