"""Character classes perfeval treats specially — the one place they are written.

Each is a fragment for a regex character class (``rf"[{C0}{DEL}]"``).  Where a check
needs a different set, it is composed here from these named parts, so that the
question "which characters count as control characters" has one answer.
"""

from __future__ import annotations

import re

C0_ALL = r"\x00-\x1f"  # every C0 control
C0 = r"\x00-\x08\x0b\x0c\x0e-\x1f"  # C0 controls other than tab, line feed and carriage return
DEL = r"\x7f"
C1 = r"\x80-\x9f"
BIDI = r"\u202a-\u202e\u2066-\u2069"  # bidirectional overrides and isolates (can disguise text)
INVISIBLE = r"\u200b-\u200f\u2028\u2029\ufeff"  # zero-width characters, directional marks, line/paragraph separators, BOM
NONCHAR = r"\ufffe\uffff"  # not characters (invalid in XML)

#: control characters in text a person typed (tab and line breaks allowed)
CONTROL = C0 + DEL + C1
CONTROL_RE = re.compile(rf"[{CONTROL}]")
#: what notation parsing drops before reading a value ("≥5户" with a zero-width space is still ≥5户)
NOTATION_NOISE_RE = re.compile(rf"[{C0_ALL}{DEL}{INVISIBLE}]")
#: what cannot go into an XML document (Word, Excel, HTML)
XML_UNSAFE_RE = re.compile(rf"[{C0}{DEL}{NONCHAR}]")
#: what a submission's text fields may not contain (PE201): controls and bidi overrides
TEXT_FORBIDDEN_RE = re.compile(rf"[{CONTROL}{BIDI}]")
