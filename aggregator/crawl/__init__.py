"""Crawling: the source registry, platform discovery, the crawl subprocess and its runner.

Public entry points: :func:`aggregator.crawl.runner.crawl_sources` (the scheduler
calls it), :func:`aggregator.crawl.registry.load_registry`,
:func:`aggregator.crawl.registry.sync_registry` and
:func:`aggregator.crawl.platforms.discover_platforms`.

May import: ``spiders``, ``aggregator.store`` (crawled items are ingested),
``aggregator.normalize``, ``aggregator.db`` and the foundations. Never web, digest,
subscriptions or the CLI.
"""
