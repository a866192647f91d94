"""Exercise timelines and the bone rotations they imply (dev tool).

Each exercise yields per-frame scalar parameters (degrees) and a rep table; `bone_deltas` turns
them into anny local-ref delta rotations. All sagittal rotations are about world X:
+X tilts an upward vector forward (-Y) and a downward vector backward (+Y).
"""
from __future__ import annotations

import numpy as np

from synth_body import align, rx, rz

# Per exercise defaults: tempo (eccentric s, concentric s, pause s), lead-in/out standing time.
DEFAULT_TEMPO = {
    "rdl": (2.0, 1.0, 0.5),
    "squat": (2.0, 1.0, 0.5),
    "nordic": (3.0, 1.0, 1.0),
    "leg_curl_prone": (2.0, 1.0, 0.5),
}


def ease(x):
    """Cosine ease 0..1 -> 0..1 with zero velocity at both ends."""
    x = np.clip(x, 0.0, 1.0)
    return 0.5 - 0.5 * np.cos(np.pi * x)


def timeline(reps, ecc, con, pause, fps, lead=1.0, tail=0.7):
    """Progress p(t) (0 = start position, 1 = turning point) and the rep table."""
    starts, turns, ends = [], [], []
    t = lead
    for r in range(reps):
        starts.append(t)
        turns.append(t + ecc)
        ends.append(t + ecc + con)
        t = t + ecc + con + (pause if r < reps - 1 else 0.0)
    total = t + tail
    n = int(round(total * fps))
    ts = np.arange(n) / fps
    p = np.zeros(n)
    for s, tu, e in zip(starts, turns, ends):
        down = (ts >= s) & (ts < tu)
        p[down] = ease((ts[down] - s) / ecc)
        up = (ts >= tu) & (ts < e)
        p[up] = ease(1 - (ts[up] - tu) / con)
    return ts, p, np.array(starts), np.array(turns), np.array(ends)


def exercise_params(ex, p, back="neutral", knees="soft", toes="neutral", toe_deg=20.0, lumbar_deg=20.0):
    """Per-frame parameters for progress p. Returns dict of (n,) arrays (degrees) + mode."""
    n = len(p)
    phi = {"in": -toe_deg, "neutral": 0.0, "out": toe_deg}[toes]
    lum_sign = {"neutral": 0.0, "arched": 1.0, "rounded": -1.0}[back]
    # Lumbar flex/ext builds with depth (held in the lower part of the rep).
    lumbar = lum_sign * lumbar_deg * np.clip(p / 0.5, 0, 1) ** 1.0
    if ex == "rdl":
        if knees == "soft":
            k_top, k_bot, s_bot, T_bot = 0.0, 12.0, 3.0, 75.0
        else:  # squat-like knees: the fault
            k_top, k_bot, s_bot, T_bot = 0.0, 100.0, 28.0, 55.0
        k = k_top + (k_bot - k_top) * p
        s = s_bot * p
        T = T_bot * p
        arm = "hang"
        mode = "stand"
    elif ex == "squat":
        k_bot, s_bot, T_bot = 105.0, 32.0, 42.0
        k = k_bot * p
        s = s_bot * p
        T = T_bot * p
        arm = "forward"
        mode = "stand"
    elif ex == "nordic":
        # theta = forward lean of the rigid knee-to-head line; knee flex applied = 90 - theta.
        theta = 65.0 * p
        return dict(mode="kneel", theta=theta, lumbar=lumbar, phi=np.full(n, phi), arm="catch")
    elif ex == "leg_curl_prone":
        k = 115.0 * p
        return dict(mode="prone", k=k, lumbar=lumbar, phi=np.full(n, phi), arm="prone")
    else:
        raise ValueError(ex)
    return dict(mode=mode, T=T, k=k, s=s, a=k - s, lumbar=lumbar, phi=np.full(n, phi), arm=arm)


def bone_deltas(body, prm):
    """anny local-ref delta rotations (bone -> (n,3,3)) for the per-frame parameters."""
    mode = prm["mode"]
    lum = prm["lumbar"]
    n = len(lum)
    D = {b: np.zeros((n, 3, 3)) for b in ["root", "spine05", "spine04", "spine03"]}
    for s in ("L", "R"):
        for b in ("upperleg01", "lowerleg01", "foot", "upperarm01", "lowerarm01"):
            D[f"{b}.{s}"] = np.zeros((n, 3, 3))
    for i in range(n):
        Rl = rx(-lum[i] / 3.0)  # lumbar extension = -X, spread over three segments
        if mode == "stand":
            # Arching tilts the pelvis forward under a ribcage that keeps its lean (and rounding
            # tilts it back): root (pelvis) gets T + lumbar, the lumbar segments undo it above.
            R_root = rx(prm["T"][i] + lum[i])
        elif mode == "kneel":
            R_root = rx(prm["theta"][i])
        else:  # prone
            R_root = rx(90.0)
        D["root"][i] = R_root
        for b in ("spine05", "spine04", "spine03"):
            D[b][i] = Rl
        chain = R_root @ Rl @ Rl @ Rl  # world rotation of the upper trunk
        for s, sg in (("L", 1.0), ("R", -1.0)):
            phi = sg * prm["phi"][i]  # + = toes out (left toes to +X)
            if mode == "stand":
                a, k, sh = prm["a"][i], prm["k"][i], prm["s"][i]
                D[f"upperleg01.{s}"][i] = R_root.T @ rz(phi) @ rx(-a)
                D[f"lowerleg01.{s}"][i] = rx(a + sh)
                D[f"foot.{s}"][i] = rx(-sh)
            elif mode == "kneel":
                th = prm["theta"][i]
                D[f"upperleg01.{s}"][i] = np.eye(3)
                # tibial rotation about the (rest, vertical) shin axis, then knee flexion
                D[f"lowerleg01.{s}"][i] = rx(90.0 - th) @ rz(phi)
                D[f"foot.{s}"][i] = rx(60.0)  # plantarflexed: top of the foot toward the floor
            else:
                D[f"upperleg01.{s}"][i] = np.eye(3)
                D[f"lowerleg01.{s}"][i] = rx(prm["k"][i]) @ rz(phi)
                D[f"foot.{s}"][i] = rx(30.0)  # relaxed plantarflexion when prone
            arm = prm["arm"]
            if arm == "hang":
                target = np.array([0.12 * sg, -0.05, -1.0])
            elif arm == "forward":
                target = np.array([0.1 * sg, -1.0, 0.0])
            elif arm == "catch":
                target = np.array([0.25 * sg, -0.9, -0.6])
            else:  # prone: arms reaching to handles in front of the head, down toward the bench
                target = np.array([0.35 * sg, -0.7, -0.6])
            sh_p = body.h(f"upperarm01.{s}")
            el_p = body.h(f"lowerarm01.{s}")
            hang = align(el_p - sh_p, target)
            D[f"upperarm01.{s}"][i] = chain.T @ hang
            D[f"lowerarm01.{s}"][i] = body.elbow_fix[s]
    return D
