"""aisafety-jobs: gather, tag and alert on AI safety jobs and opportunities.

The data path, one package per step: a source (``config/sources.toml``, :mod:`.crawl`)
→ a spider (``spiders/``) → a :class:`~aggregator.items.RawPosting` item →
:mod:`.normalize` → :mod:`.store` (employers, dedup, merge, changes, status) → the
database (:mod:`.db`) → :mod:`.search` (the web, API, feeds and CLI lists) and
:mod:`.matching` (subscriber profiles) → :mod:`.web` and :mod:`.digest` (emails sent
through :mod:`.mail`). :mod:`.cli` and :mod:`.scheduler` drive it all.

Layers, top first (enforced by ``lint-imports``, see ``[tool.importlinter]`` in
pyproject.toml): cli; scheduler, demo; web, digest; programs; crawl, subscriptions; store,
profiles, presentation.schema; search, matching, mail, tokens; presentation.labels and
.salary, evaluation; db, spiders; normalize; locks, debris; settings, items, logs, paths;
errors, clock. A module imports only from its own layer's package and from layers below
it.
"""

__version__ = "0.1.0"
