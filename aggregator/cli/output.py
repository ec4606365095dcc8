"""Rich consoles that never read text as markup.

Titles, addresses, file names and error messages come from users and the web; with
markup on, ``x[/red]@example.org`` is a Rich ``MarkupError`` (a traceback instead of
the one-line error) and ``[b]`` silently restyles. Colour is given with
:class:`rich.text.Text` styles instead.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.text import Text


def console(**options: Any) -> Console:
    """A console that prints every string literally (tables included)."""
    return Console(markup=False, highlight=False, **options)


def styled(*parts: str | tuple[str, str]) -> Text:
    """Text from plain strings and (string, style) pairs, nothing parsed."""
    return Text.assemble(*parts)
