"""The ``aisafety-jobs`` command line: one small module per command group."""
