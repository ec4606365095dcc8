"""The offline demo: recorded sample payloads, a local server replaying them, and the
orchestration behind ``aisafety-jobs demo`` ([sample data] postings, invented)."""
