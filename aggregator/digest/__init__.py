"""Digests: periods, building (matching → sections), rendering, and exactly-once sending."""
