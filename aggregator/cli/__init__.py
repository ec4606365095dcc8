"""The ``aisafety-jobs`` command line: one small module per command group.

The top layer: may import anything in the project; nothing imports it.
"""
