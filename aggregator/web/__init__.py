"""The web UI, the JSON API and the feeds (FastAPI + Jinja2 + vendored htmx)."""
