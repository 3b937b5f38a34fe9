"""The check kinds of ``perfeval audit``, one module each; importing registers them."""

from . import against, changes, placeholders, points, quantities, rates, shares, sums, tables  # noqa: F401
