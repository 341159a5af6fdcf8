"""Argument types for numbers: a value that is not a finite number in its range is argparse's usage error (exit 2)."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable


def _shown(value: float) -> str:
    return f"{value:g}"


def decimal(low: float, high: float) -> Callable[[str], float]:
    """A number from ``low`` to ``high``, such as 2.5; never nan or infinite."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and low <= value <= high):
            raise argparse.ArgumentTypeError(f"'{text}' is not a number from {_shown(low)} to {_shown(high)}")
        return value

    return parse


def whole(low: int, high: int) -> Callable[[str], int]:
    """A whole number from ``low`` to ``high``."""

    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not a whole number from {low} to {high}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"'{text}' is not a whole number from {low} to {high}")
        return value

    return parse
