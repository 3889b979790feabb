"""The small error hierarchy of bordermap.

Every error a user can cause carries the offending value (a file name, a
setting) in its message, and validation errors list every problem at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


class BordermapError(Exception):
    """Base class of every error bordermap raises on purpose."""


class GazetteerError(BordermapError, ValueError):
    """A gazetteer file cannot be used; ``problems`` lists everything wrong with it."""

    def __init__(self, path: str | Path, problems: Iterable[str]) -> None:
        self.path = str(path)
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        n = len(self.problems)
        super().__init__(
            f"gazetteer {self.path!r} is not usable ({n} problem{'s' if n != 1 else ''}):\n{lines}"
        )


class ArticleError(BordermapError, ValueError):
    """An article file cannot be read; the message names the file and the reason."""

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class StoreError(BordermapError):
    """The feature store cannot be opened or written."""
