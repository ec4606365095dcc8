"""How a posting reads to people and programs, the same in every output.

:mod:`.labels` (``label()``: the one display label of a taxonomy or vocabulary slug,
read from ``config/taxonomy.toml``), :mod:`.salary` (``format_salary()``: the one salary
line) and :mod:`.schema` (``PostingRecord``: the one public posting, used by the CLI's
``--json``, the API, the JSONL export, the feeds and the digests).

Two layers: :mod:`.labels` and :mod:`.salary` sit just above normalize (matching's
"why it matched" reads labels too) and import only ``aggregator.normalize``;
:mod:`.schema` sits beside store and profiles and may import ``aggregator.search``
(related values) and ``aggregator.db``. None imports web, digest, store or the CLI.
"""
