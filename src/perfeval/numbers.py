"""Rounding and display of money, rates and scores: half-up, never banker's."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

import numpy as np


def round_half_up(x: np.ndarray | float, decimals: int = 2) -> np.ndarray:
    """Vectorised half-up rounding that is robust to binary representation.

    ``16.665`` is stored as ``16.66499999…``; the shortest decimal repr is
    what a person typed, so a relative epsilon of a few ulps decides the tie.
    """
    f = 10.0 ** decimals
    y = np.asarray(x, dtype=float) * f
    eps = np.maximum(np.abs(y), 1.0) * 4e-15
    return np.where(y >= 0, np.floor(y + 0.5 + eps), -np.floor(-y + 0.5 + eps)) / f


def dec(x: float | int | None, decimals: int = 2) -> Decimal | None:
    """Exact half-up Decimal of a float, via its shortest repr."""
    if x is None:
        return None
    try:
        d = Decimal(repr(float(x)))
    except (InvalidOperation, ValueError, OverflowError):
        return None
    if not d.is_finite():
        return None
    with localcontext() as ctx:  # enough digits for any float's integer part
        ctx.prec = max(28, d.adjusted() + decimals + 2)
        return d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def fmt(x: float | int | None, decimals: int = 2, empty: str = "") -> str:
    """``3`` → ``"3.00"``; ``None``/NaN → ``empty``."""
    if x is None or (isinstance(x, float) and x != x):
        return empty
    d = dec(x, decimals)
    return empty if d is None else f"{d:,.{decimals}f}".replace(",", "")


def plain(x: float | int | None) -> str:
    """A value as the user gave it, to repeat in a message: at most 2 decimals, no trailing zeros,
    never a thousands separator (like :func:`fmt`): ``120`` → ``"120"``, ``1234.5`` → ``"1234.5"``."""
    if x is None:
        return ""
    v = float(x)
    if v != v or v in (float("inf"), float("-inf")):
        return str(v)
    return f"{int(v)}" if v == int(v) else f"{v:.2f}".rstrip("0").rstrip(".")


def pct(rate: float | None, decimals: int = 2, empty: str = "") -> str:
    """A fraction as a percentage: ``0.9898`` → ``"98.98%"``."""
    if rate is None or (isinstance(rate, float) and rate != rate):
        return empty
    return fmt(rate * 100, decimals) + "%"
