"""The status of a submission — one vocabulary (docs/glossary.md).

Code keeps the short codes (``scored``, ``rejected``, ``duplicate``): the JSON
contract (``perfeval score --format json``, the serve API) and every internal
filter compare them.  Everything a person reads — summary.csv / summary.xlsx,
the screen summary, the serve dashboard, the department sheets, the results
store, ``perfeval history`` — shows the Chinese word, mapped once at write
time with :func:`status_zh`.
"""

from __future__ import annotations

STATUS_SCORED = "scored"  # read, checked and scored (may still carry errors)
STATUS_REJECTED = "rejected"  # could not be scored (the errors say why)
STATUS_DUPLICATE = "duplicate"  # the same 项目编码 and year as another submission of the batch: listed, not counted (PE418)

STATUS_ZH = {STATUS_SCORED: "已评分", STATUS_REJECTED: "已拒绝", STATUS_DUPLICATE: "重复提交"}
STATUS_CODE = {zh: code for code, zh in STATUS_ZH.items()}


def status_zh(value: str | None) -> str | None:
    """The Chinese word for a status code; a word already in Chinese (or unknown) is returned as it is."""
    if value is None:
        return None
    return STATUS_ZH.get(value, value)


def status_code(value: str | None) -> str | None:
    """The code for a status given either way (stores written before schema 2 hold the codes)."""
    if value is None:
        return None
    return STATUS_CODE.get(value, value)


__all__ = ["STATUS_CODE", "STATUS_DUPLICATE", "STATUS_REJECTED", "STATUS_SCORED", "STATUS_ZH", "status_code", "status_zh"]
