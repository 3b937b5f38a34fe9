"""What a running server is allowed to do: where it keeps data, its limits, its access token."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from pathlib import Path

from ..declare.load import Limits

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


def is_loopback(host: str) -> bool:
    """``127.0.0.1``, ``::1``, ``localhost`` — an address only this machine can reach."""
    h = host.strip("[]").lower()
    if h == "localhost":
        return True
    try:
        return ipaddress.ip_address(h).is_loopback
    except ValueError:
        return False


@dataclass
class Settings:
    """Server settings (``perfeval serve`` options).

    ``max_bytes`` is the CLI's per-file limit (``--max-bytes``); ``max_files`` bounds the files of one
    upload (a .zip counts its members) and ``max_request`` the bytes of one request.  With ``token``
    set, every request must carry it (header ``Authorization: Bearer …``, or ``?token=`` once, which
    sets a cookie).
    """

    data: str | Path = "perfeval-data"
    host: str = "127.0.0.1"
    port: int = 8765
    token: str | None = None
    limits: Limits = field(default_factory=Limits)
    max_files: int = 2000
    max_request: int = 512 * 1024 * 1024
    batch_jobs: int | None = None  # worker processes for bulk review; None: 1 for small batches, else the CPU count

    @property
    def data_dir(self) -> Path:
        return Path(self.data)

    @property
    def max_bytes(self) -> int:
        return self.limits.max_bytes

    def allowed_hosts(self) -> set[str] | None:
        """Host names a request may name (DNS-rebinding guard); ``None`` when a token protects the server."""
        if self.token:
            return None
        return {*LOOPBACK_NAMES, self.host.strip("[]").lower()}
