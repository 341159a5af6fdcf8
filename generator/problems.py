"""Problems found in content or returns: kept as data, formatted at the edge."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong (an error) or worth a look (a warning), and where it is.

    ``line`` and ``column`` count from 1, as editors do; 0 means the whole file.
    """

    path: str
    line: int
    column: int
    message: str
    severity: Severity = "error"

    def format(self) -> str:
        """``path:line:column: message``, the form editors and CI logs link to."""
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{self.path}:{self.line}:{self.column}: {prefix}{self.message}"


def errors(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def summary(problems: list[Problem]) -> str:
    """A closing line such as '2 errors, 1 warning'."""
    n_errors = len(errors(problems))
    n_warnings = len(problems) - n_errors

    def plural(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    return f"{plural(n_errors, 'error')}, {plural(n_warnings, 'warning')}"
