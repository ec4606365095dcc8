"""Normalization: turning raw postings into clean, classified postings.

:mod:`.posting` (``normalize()``, the one entry point) calls the field normalizers
(:mod:`.text`, :mod:`.dates`, :mod:`.locations`, :mod:`.remote`, :mod:`.salary`,
:mod:`.money`, :mod:`.urls`, :mod:`.fields`, :mod:`.flags`) and the classifier
(:mod:`.classifier` over the taxonomy: :mod:`.taxonomy` loads, :mod:`.taxonomy_schema`
validates, :mod:`.taxonomy_model` holds it; phrases found by :mod:`.phrase_matcher`),
:mod:`.program_calls` (which program's call a listing is) and :mod:`.mentors` (the
mentors and teams it names).

Pure functions of their input: may import only ``aggregator.items`` and the
foundations (logs, paths, errors). Never db, spiders, store, web or digest.
"""
