"""aisafety-jobs: gather, tag and alert on AI safety jobs and opportunities."""

__version__ = "0.1.0"
