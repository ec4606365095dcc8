"""Digests: periods, building (matching → sections), rendering, and exactly-once sending.

May import: ``aggregator.subscriptions``, ``aggregator.profiles``,
``aggregator.matching``, ``aggregator.search``, ``aggregator.mail``,
``aggregator.tokens``, ``aggregator.db`` and the foundations. Never web, crawl, store
or the CLI.
"""
