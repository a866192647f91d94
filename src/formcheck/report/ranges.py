"""Each head's seconds with the range it likely got (``LegZones.likely_s``), worded once for the
text summary and the HTML page: "2.9 s (likely 2.4–3.3 s)", or the value alone where the view's
error model gave no range. Displayed to 0.1 s, the range rounded outward so it never shrinks."""

from __future__ import annotations

import math

from formcheck.types import LegZones


def outward_s(lo: float, hi: float) -> tuple[float, float]:
    """(lo, hi) rounded out to 0.1 s: the low down, the high up."""
    return math.floor(round(lo * 10, 6)) / 10, math.ceil(round(hi * 10, 6)) / 10


def likely_range_s(z: LegZones, head: str) -> tuple[float, float] | None:
    """The head's likely seconds rounded out to 0.1 s; None where no error model applied."""
    if head not in z.likely_s:
        return None
    lo, hi = z.likely_s[head]
    return outward_s(lo, hi) if math.isfinite(lo) and math.isfinite(hi) else None


def range_words(z: LegZones, head: str) -> str:
    """'likely 2.4–3.3 s', or '' without a range."""
    rng = likely_range_s(z, head)
    return f"likely {rng[0]:.1f}–{rng[1]:.1f} s" if rng else ""


def seconds_words(z: LegZones, head: str) -> str:
    """'2.9 s (likely 2.4–3.3 s)', or '2.9 s' without a range."""
    words = range_words(z, head)
    return f"{z.seconds[head]:.1f} s" + (f" ({words})" if words else "")


def any_range(zones: tuple[LegZones, ...] | list[LegZones]) -> bool:
    return any(z.likely_s for z in zones)
