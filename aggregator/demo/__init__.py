"""The offline demo: recorded sample payloads, a local server replaying them, and the
orchestration behind ``aisafety-jobs demo`` ([sample data] postings, invented).

May import the layers below it (crawl, digest, subscriptions, web, db...); only the CLI
imports it.
"""
