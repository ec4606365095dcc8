"""Storing postings: a source's normalized items become stored postings.

:mod:`.ingest` runs one crawl's items through :mod:`.employers` (whose posting is it),
:mod:`.dedup` (which stored posting is it), :mod:`.merge` (one posting from its
listings), :mod:`.changes` (copy it on, keep the history), :mod:`.tags` and
:mod:`.lifecycle` (open, closed, reopened); :mod:`.reclassify` re-runs normalization
over everything stored.

May import: ``aggregator.normalize``, ``aggregator.db``, ``aggregator.items`` and the
foundations (settings, logs, errors). Never web, digest, crawl or the CLI.
"""
