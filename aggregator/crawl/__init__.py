"""Crawling: the source registry, the crawl subprocess and its runner (the platforms
themselves, and their discovery, are in ``spiders``).

Public entry points: :func:`aggregator.crawl.runner.crawl_sources` (the scheduler
calls it), :func:`aggregator.crawl.registry.load_registry` and
:func:`aggregator.crawl.registry.sync_registry`.

May import: ``spiders``, ``aggregator.store`` (crawled items are ingested),
``aggregator.normalize``, ``aggregator.db`` and the foundations. Never web, digest,
subscriptions or the CLI.
"""
