"""Spiders: one small module per platform or bespoke site, over the bases in :mod:`.base`
(and value helpers in :mod:`.fields`). Each yields :class:`aggregator.items.RawPosting`
items exactly as the source gave them; spiders never classify or store.

May import ``aggregator.items``, ``aggregator.normalize`` (pure text helpers) and the
foundations. Never the database, store or anything above them (``lint-imports`` checks).
"""
