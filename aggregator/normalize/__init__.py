"""Normalization: turning raw postings into clean, classified postings."""
