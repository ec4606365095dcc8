"""Matching postings to subscriber profiles: :mod:`.index` (the period's postings as bit
sets, a profile's matches and their order), :mod:`.candidates` (postings precomputed for
matching, profiles prepared as wanted sets, "why it matched") and :mod:`.bitsets`.

Not to be confused with :mod:`aggregator.store.dedup` (which stored posting an item is)
or :mod:`aggregator.normalize.phrase_matcher` (finding taxonomy phrases in text).

May import: ``aggregator.db`` and the foundations. Never search, web, digest or the CLI.
"""
