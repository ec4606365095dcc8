"""Spiders: one small module per platform or bespoke site, over the bases in :mod:`.base`
(and value helpers in :mod:`.fields`). Each yields :class:`aggregator.items.RawPosting`
items exactly as the source gave them; spiders never classify or store.

May import only ``aggregator.items`` (and Scrapy, feedparser...). Never the database,
store, normalize or anything above them (``lint-imports`` checks).
"""
