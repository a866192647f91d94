"""Lumbar-extension flags: the back's bend past what a neutral back shows at the same hip angle."""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.analysis.faults import lumbar_extension_deg, lumbar_faults
from formcheck.config import ScoreConfig
from formcheck.pose.outline import outline_offsets_px
from formcheck.types import Rep

CFG = ScoreConfig()


def one_rep(n: int = 121) -> tuple[np.ndarray, np.ndarray, Rep]:
    """4 s at 30 fps: hips flex 0 -> 80 -> 0 deg."""
    t = np.arange(n) / 30.0
    hip = 80.0 * np.sin(np.pi * np.arange(n) / (n - 1))
    rep = Rep(1, 0, n // 2, n - 1, 0.0, float(t[n // 2]), float(t[-1]), 80.0)
    return t, hip, rep


def test_a_neutral_back_reads_zero_extension_at_every_hip_angle() -> None:
    _, hip, _ = one_rep()
    base = 47.0
    arch = base + CFG.lumbar_neutral_slope * hip + CFG.lumbar_neutral_offset_deg
    np.testing.assert_allclose(lumbar_extension_deg(arch, hip, base, CFG), 0.0, atol=1e-9)


def test_arched_deep_in_the_hinge_is_flagged_with_its_time() -> None:
    t, hip, rep = one_rep()
    ext = np.where(hip >= 40.0, 12.0, 0.0)
    (fault,) = lumbar_faults(t, ext, hip, [rep], CFG)
    assert fault.kind == "lumbar_extension" and fault.rep == 1
    assert fault.value_deg == pytest.approx(12.0)
    deep = t[hip >= 40.0]
    assert fault.start_s == pytest.approx(deep[0]) and fault.end_s == pytest.approx(deep[-1])


@pytest.mark.parametrize("case", ["below threshold", "only near the top", "a short spike", "unmeasured"])
def test_no_flag_without_a_sustained_arch_in_the_hinge(case: str) -> None:
    t, hip, rep = one_rep()
    ext = {
        "below threshold": np.full(t.shape, CFG.lumbar_flag_deg - 1.0),
        "only near the top": np.where(hip < CFG.lumbar_min_hip_deg, 20.0, 0.0),
        "a short spike": np.where(np.abs(t - 2.0) < 0.1, 30.0, 0.0),
        "unmeasured": np.full(t.shape, np.nan),
    }[case]
    assert lumbar_faults(t, ext, hip, [rep], CFG) == []


@pytest.mark.parametrize("edge_x", [560.0, 560.3, 560.7])
def test_outline_edge_is_found_to_a_fraction_of_a_pixel(edge_x: float) -> None:
    """A soft mask edge (a 4-px linear ramp through 0.5 at ``edge_x``): the lumbar curve of a 20-deg
    arch moves the outline by only a few pixels, so whole-pixel edges are too coarse."""
    xx = np.arange(1000, dtype=np.float32)[None, :].repeat(720, axis=0)
    mask = np.clip((edge_x - xx) / 4.0 + 0.5, 0.0, 1.0) * (xx > 430)
    off = outline_offsets_px(mask, np.array([500.0, 600.0]), np.array([500.0, 300.0]), levels=5)
    np.testing.assert_allclose(off[:, 0], edge_x - 500.0, atol=0.05)
