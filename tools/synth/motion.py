"""Exercise timelines and the bone rotations they imply (dev tool).

Each exercise yields per-frame scalar parameters (degrees) and a rep table; `bone_deltas` turns
them into anny local-ref delta rotations. All sagittal rotations are about world X:
+X tilts an upward vector forward (-Y) and a downward vector backward (+Y).

Parameters (degrees; per leg = (n, 2) [left, right]):
  root   (n,)  pelvis rotation about X (trunk lean + lumbar extension for standing/seated)
  a      legs  thigh tilt forward in the world (hip flexion; upperleg01 = root^T Rx(-a))
  k      legs  knee flexion applied on top of the rig's rest bend (lowerleg01 = Rx(k))
  f      legs  foot rotation relative to the shin (+ = plantarflexion; foot = Rx(f))
  phi    (n,)  toe-out (+) / toe-in (-), applied at the hip (whole leg about the vertical)
               or at the tibia (about the shin's own axis), per `toe_at`
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
    "leg_curl_seated": (2.0, 1.0, 0.5),
    "leg_curl_standing": (2.0, 1.0, 0.5),
}

SEAT_RECLINE = 10.0  # seated leg curl: trunk reclined this far behind vertical

# Upper-arm direction in the world (x is mirrored for the right arm); elbows are straightened.
ARM_TARGETS = {
    "hang": (0.12, -0.05, -1.0),
    "forward": (0.1, -1.0, 0.0),
    "catch": (0.25, -0.9, -0.6),
    "prone": (0.35, -0.7, -0.6),  # reaching to handles in front of the head, down toward the bench
    "front": (0.2, -0.45, -0.85),  # standing curl: hands on the machine's pad in front of the hips
    "seat": (0.3, -0.1, -1.0),  # seated curl: hands on handles beside the seat
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


def _legs(left, right=None):
    """Per-leg (n, 2) array [left, right]; the right leg copies the left unless given."""
    left = np.asarray(left, float)
    return np.stack([left, left if right is None else np.broadcast_to(right, left.shape)], 1)


def _stand(T, k, s, lumbar, arm):
    """Both feet flat: trunk lean T, knee flexion k, shin forward tilt s (thigh tilt a = k - s).

    Arching tilts the pelvis forward under a ribcage that keeps its lean (and rounding tilts it
    back): the root gets T + lumbar and the lumbar segments undo the lumbar part above."""
    return dict(mode="stand", stance=("L", "R"), root=T + lumbar, a=_legs(k - s), k=_legs(k),
                f=_legs(-s), toe_at=("hip", "hip"), arm=arm)


def _rdl(p, lumbar, knees):
    if knees == "soft":
        k_bot, s_bot, T_bot = 12.0, 3.0, 75.0
    else:  # squat-like knees: the fault
        k_bot, s_bot, T_bot = 100.0, 28.0, 55.0
    return _stand(T_bot * p, k_bot * p, s_bot * p, lumbar, "hang")


def _squat(p, lumbar, knees):
    return _stand(42.0 * p, 105.0 * p, 32.0 * p, lumbar, "forward")


def _nordic(p, lumbar, knees):
    # theta = forward lean of the rigid knee-to-head line; knee flex applied = 90 - theta.
    theta = 65.0 * p
    return dict(mode="kneel", root=theta, a=_legs(-theta), k=_legs(90.0 - theta),
                f=_legs(np.full_like(p, 60.0)),  # plantarflexed: top of the foot toward the floor
                toe_at=("tibia", "tibia"), arm="catch")


def _curl_prone(p, lumbar, knees):
    # Lying face down (pelvis turned 90 deg, thighs along the trunk); relaxed plantarflexion.
    return dict(mode="prone", root=np.full_like(p, 90.0), a=_legs(np.full_like(p, -90.0)),
                k=_legs(115.0 * p), f=_legs(np.full_like(p, 30.0)), toe_at=("tibia", "tibia"), arm="prone")


def _curl_seated(p, lumbar, knees):
    # Thighs horizontal on the seat, trunk reclined; both knees curl from extended to ~96 deg.
    return dict(mode="seated", root=-SEAT_RECLINE + lumbar, a=_legs(np.full_like(p, 90.0)),
                k=_legs(87.0 * p), f=_legs(np.zeros_like(p)), toe_at=("tibia", "tibia"), arm="seat")


def _curl_standing(p, lumbar, knees):
    # Upright on the right leg; the left heel curls up behind (knee ~114 deg, thigh ~8 deg forward).
    # The curling foot stays level while it leaves the floor (no toe dig), then follows the shin.
    z = np.zeros_like(p)
    a, k = 8.0 * p, 105.0 * p
    return dict(mode="stand", stance=("R",), root=lumbar, a=_legs(a, z), k=_legs(k, z),
                f=_legs(-(k - a) * (1 - p), z), toe_at=("tibia", "hip"), arm="front")


EXERCISES = {
    "rdl": _rdl,
    "squat": _squat,
    "nordic": _nordic,
    "leg_curl_prone": _curl_prone,
    "leg_curl_seated": _curl_seated,
    "leg_curl_standing": _curl_standing,
}


def exercise_params(ex, p, back="neutral", knees="soft", toes="neutral", toe_deg=20.0, lumbar_deg=20.0):
    """Per-frame parameters for progress p (see the module docstring) + mode, stance, arm."""
    phi = {"in": -toe_deg, "neutral": 0.0, "out": toe_deg}[toes]
    lum_sign = {"neutral": 0.0, "arched": 1.0, "rounded": -1.0}[back]
    # Lumbar flex/ext builds with depth (held in the lower part of the rep).
    lumbar = lum_sign * lumbar_deg * np.clip(p / 0.5, 0, 1) ** 1.0
    prm = EXERCISES[ex](p, lumbar, knees)
    prm.update(lumbar=lumbar, phi=np.full(len(p), phi))
    return prm


def _arm_rot(body, s, sg, arm):
    """World rotation of the upper arm pointing along ARM_TARGETS[arm]."""
    x, y, z = ARM_TARGETS[arm]
    return align(body.h(f"lowerarm01.{s}") - body.h(f"upperarm01.{s}"), np.array([x * sg, y, z]))


def bone_deltas(body, prm):
    """anny local-ref delta rotations (bone -> (n,3,3)) for the per-frame parameters."""
    lum = prm["lumbar"]
    n = len(lum)
    D = {b: np.zeros((n, 3, 3)) for b in ["root", "spine05", "spine04", "spine03"]}
    for s in ("L", "R"):
        for b in ("upperleg01", "lowerleg01", "foot", "upperarm01", "lowerarm01"):
            D[f"{b}.{s}"] = np.zeros((n, 3, 3))
    sides = (("L", 1.0), ("R", -1.0))
    arm = {s: _arm_rot(body, s, sg, prm["arm"]) for s, sg in sides}
    for i in range(n):
        R_root = rx(prm["root"][i])
        Rl = rx(-lum[i] / 3.0)  # lumbar extension = -X, spread over three segments
        D["root"][i] = R_root
        for b in ("spine05", "spine04", "spine03"):
            D[b][i] = Rl
        chain = R_root @ Rl @ Rl @ Rl  # world rotation of the upper trunk
        for j, (s, sg) in enumerate(sides):
            toe = rz(sg * prm["phi"][i])  # + = toes out (left toes to +X)
            at_hip = prm["toe_at"][j] == "hip"
            D[f"upperleg01.{s}"][i] = R_root.T @ (toe if at_hip else np.eye(3)) @ rx(-prm["a"][i, j])
            # tibial rotation about the (rest, vertical) shin axis, then knee flexion
            D[f"lowerleg01.{s}"][i] = rx(prm["k"][i, j]) @ (np.eye(3) if at_hip else toe)
            D[f"foot.{s}"][i] = rx(prm["f"][i, j])
            D[f"upperarm01.{s}"][i] = chain.T @ arm[s]  # arms fixed in the world
            D[f"lowerarm01.{s}"][i] = body.elbow_fix[s]
    return D
