"""Rounding and display of money, rates and scores: half-up, never banker's."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from typing import Iterable

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



# ---------------------------------------------------------------------------
# Printed shares: one rule for every check of "A 占 B 的 x%" (perfeval audit, the department review PE906)
# ---------------------------------------------------------------------------
def _rnd(x: Decimal, decimals: int) -> Decimal:
    return x.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def half_unit(decimals: int) -> Decimal:
    """Half a unit of the last printed digit of an amount (at least 2 decimals assumed: 3万元 is 3.00万元)."""
    return Decimal(5).scaleb(-max(decimals, 2) - 1)


def decimals_of(x: Decimal) -> int:
    """Decimals as printed: ``Decimal("3.45")`` → 2, ``Decimal("3")`` → 0."""
    e = x.as_tuple().exponent
    return -e if isinstance(e, int) and e < 0 else 0


def ratio_ok(claimed: Decimal, decimals: int, a: Decimal, ha: Decimal, b: Decimal, hb: Decimal,
             tail: Decimal = Decimal(0)) -> tuple[bool, Decimal]:
    """Is ``claimed`` (a percentage printed with ``decimals``) a right value of ``100·a/b``?

    Right means: the exact value from the printed figures, rounded half-up; or any value
    the true figures behind the printed ones (each within half a unit of its last digit,
    ``ha``/``hb``) could give — the document's own rounded intermediates.  ``tail`` widens
    the band by a balancing adjustment the caller allows (尾差, :func:`rounding_tail`).
    Returns (ok, expected).
    """
    exact = a / b * 100
    expected = _rnd(exact, decimals)
    if claimed == expected:
        return True, expected
    lo_b, hi_b = b + hb, b - hb
    if hi_b <= 0:
        return True, expected  # too close to zero to say anything
    lo = _rnd(max(a - ha, Decimal(0)) / lo_b * 100, decimals) - tail
    hi = _rnd((a + ha) / hi_b * 100, decimals) + tail
    return lo <= claimed <= hi, expected


def rounding_tail(shares: Iterable[tuple[Decimal, int]]) -> Decimal:
    """尾差: how far each printed share of a list may be off its own rounding.

    ``shares`` are the printed percentages of one list (value, decimals printed).  When there are at
    least two and they add to exactly 100, the list was balanced so that it does: a share may be off
    by one unit of the last printed digit (the seed's 85.44% + 0% + 0% + 0% + 6.59% + 4.52% + 3.45% =
    100.00%, where 9.35 / 270.52 is 3.456%).  Returns that unit, else 0.
    """
    items = list(shares)
    if len(items) < 2:
        return Decimal(0)
    d = max(k for _, k in items)
    if d > 0 and sum(v for v, _ in items) == 100:
        return Decimal(1).scaleb(-d)
    return Decimal(0)
