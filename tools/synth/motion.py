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
    "deadlift": (2.0, 1.0, 0.5),
    "single_leg_bridge": (1.0, 1.0, 0.5),
    "glute_ham_raise": (2.0, 2.0, 0.5),
}

# Movement family and body posture per exercise (written to NAME.json).
FAMILY = {
    "rdl": "hinge", "deadlift": "hinge", "single_leg_bridge": "hinge",
    "squat": "squat",
    "nordic": "knee_flexion", "leg_curl_prone": "knee_flexion", "leg_curl_seated": "knee_flexion",
    "leg_curl_standing": "knee_flexion", "glute_ham_raise": "knee_flexion",
}
POSTURE = {
    "rdl": "standing", "deadlift": "standing", "squat": "standing", "leg_curl_standing": "standing",
    "nordic": "kneeling", "leg_curl_prone": "prone", "glute_ham_raise": "prone",
    "leg_curl_seated": "seated", "single_leg_bridge": "supine",
}

# Hinge bottoms (trunk lean T, applied knee flexion k, shin forward tilt s), degrees.
RDL_KNEES = {"soft": (75.0, 12.0, 3.0), "some": (65.0, 45.0, 12.0), "squat": (55.0, 100.0, 28.0)}
DEADLIFT_BOTTOM = (55.0, 70.0, 12.0)
SQUAT_LEAN = 42.0  # default squat trunk lean at the bottom
HIP_FIRST_SPLIT = 0.4  # hip_first: the knees straighten over this first fraction of the concentric
HIP_FIRST_KNEE_LEFT = 0.15  # ... down to this fraction of their bottom flexion; the rest with the hips

SEAT_RECLINE = 10.0  # seated leg curl: trunk reclined this far behind vertical

# Upper-arm direction in the world (x is mirrored for the right arm); elbows are straightened.
ARM_TARGETS = {
    "hang": (0.12, -0.05, -1.0),
    "forward": (0.1, -1.0, 0.0),
    "catch": (0.25, -0.9, -0.6),
    "prone": (0.35, -0.7, -0.6),  # reaching to handles in front of the head, down toward the bench
    "front": (0.2, -0.45, -0.85),  # standing curl: hands on the machine's pad in front of the hips
    "seat": (0.3, -0.1, -1.0),  # seated curl: hands on handles beside the seat
    "supine": (0.25, -1.0, -0.12),  # lying on the back: arms along the floor toward the feet
    "aim": None,  # per-frame world directions given in prm["arm_dir"] (the nordic partner)
}
# Arm directions in the trunk's own (rest, standing) frame: the arms move with the trunk.
ARM_TRUNK = {
    "ghr": (0.15, -0.55, -0.8),  # glute-ham raise: hands in front of the thighs/chest
}


def ease(x):
    """Cosine ease 0..1 -> 0..1 with zero velocity at both ends."""
    x = np.clip(x, 0.0, 1.0)
    return 0.5 - 0.5 * np.cos(np.pi * x)


def concentric_fraction(ts, turns, ends):
    """Per frame: time fraction 0..1 through the concentric (second) phase, NaN outside it."""
    u = np.full(len(ts), np.nan)
    for tu, e in zip(turns, ends):
        m = (ts >= tu) & (ts < e)
        u[m] = (ts[m] - tu) / (e - tu)
    return u


def hip_first(p, u):
    """Knee and trunk progress for a hips-rise-first concentric (both = p elsewhere).

    Over the first HIP_FIRST_SPLIT of the concentric the knee progress falls from 1 to
    HIP_FIRST_KNEE_LEFT while the trunk keeps its bottom lean; then the trunk comes up and the
    knees finish. Eased at both ends of each part."""
    pk, pt = p.copy(), p.copy()
    m = ~np.isnan(u)
    u1 = np.clip(u[m] / HIP_FIRST_SPLIT, 0, 1)
    u2 = np.clip((u[m] - HIP_FIRST_SPLIT) / (1 - HIP_FIRST_SPLIT), 0, 1)
    kl = HIP_FIRST_KNEE_LEFT
    pk[m] = np.where(u[m] < HIP_FIRST_SPLIT, 1 - (1 - kl) * ease(u1), kl * (1 - ease(u2)))
    pt[m] = np.where(u[m] < HIP_FIRST_SPLIT, 1.0, 1 - ease(u2))
    return pk, pt


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


def lockout_weight(ts, p, turns, ends, ramp_p=0.3, out_s=0.4):
    """0..1 per frame: how far into the lockout the lifter is, after the first rep's turn (never
    during the walk-in): 1 at the top (p = 0), 0 below ``ramp_p`` of the way down, fading over
    ``out_s`` after the last rep."""
    w = np.clip(1.0 - p / ramp_p, 0.0, 1.0)
    w[ts < turns[0]] = 0.0
    after = ts > ends[-1]
    w[after] = np.clip(1.0 - (ts[after] - ends[-1]) / out_s, 0.0, 1.0)
    return w


def _stand(T, k, s, lumbar, arm):
    """Both feet flat: trunk lean T, knee flexion k, shin forward tilt s (thigh tilt a = k - s).

    Arching tilts the pelvis forward under a ribcage that keeps its lean (and rounding tilts it
    back): the root gets T + lumbar and the lumbar segments undo the lumbar part above."""
    return dict(mode="stand", stance=("L", "R"), root=T + lumbar, a=_legs(k - s), k=_legs(k),
                f=_legs(-s), toe_at=("hip", "hip"), arm=arm)


def _hinge(bottom, p, lumbar, o):
    T_bot, k_bot, s_bot = bottom
    pk, pt = (hip_first(p, o["u"]) if o.get("pattern") == "hip_first" else (p, p))
    return _stand(T_bot * pt, k_bot * pk, s_bot * pk, lumbar, "hang")


def _rdl(p, lumbar, knees, **o):
    return _hinge(RDL_KNEES[knees], p, lumbar, o)


def _deadlift(p, lumbar, knees, **o):
    # Conventional pull from the floor; arms hang straight down to a (virtual) bar.
    return _hinge(DEADLIFT_BOTTOM, p, lumbar, o)


def squat_shin(lean):
    """Shin forward tilt at the bottom of the squat: 32 at the default lean, 35 at >= 58."""
    return 32.0 + 3.0 * float(np.clip((lean - SQUAT_LEAN) / 16.0, 0, 1))


def _squat(p, lumbar, knees, **o):
    lean = o.get("lean") or SQUAT_LEAN
    return _stand(lean * p, 105.0 * p, squat_shin(lean) * p, lumbar, "forward")


NORDIC_BOTTOM = 65.0  # nordic without a break: the knee-to-head line's lean at the turn
NORDIC_FALL_TO = 75.0  # nordic with a break: the lean the fall ends at (hands catch the floor)
NORDIC_FALL_S = 0.45  # ... and how long the fall takes


def nordic_theta(p, d, ecc, break_lean):
    """The knee-to-head line's forward lean (deg) through a Nordic.

    Without ``break_lean`` it eases from 0 to NORDIC_BOTTOM and back with p. With it, each
    eccentric (``d``: time fraction 0..1 through it, NaN outside) lowers at a steady speed to
    ``break_lean`` and then falls, accelerating from that speed, to NORDIC_FALL_TO in the last
    NORDIC_FALL_S of the eccentric; the concentric eases back up from NORDIC_FALL_TO."""
    if break_lean is None:
        return NORDIC_BOTTOM * p
    theta = NORDIC_FALL_TO * p
    xb = 1.0 - NORDIC_FALL_S / ecc
    m = ~np.isnan(d)
    x = d[m]
    v = break_lean / (xb * ecc)  # deg/s while controlled
    tau = np.clip(x - xb, 0, None) * ecc
    acc = 2.0 * (NORDIC_FALL_TO - break_lean - v * NORDIC_FALL_S) / NORDIC_FALL_S**2
    theta[m] = np.where(x < xb, break_lean * x / xb, break_lean + v * tau + 0.5 * acc * tau**2)
    return theta


def _nordic(p, lumbar, knees, **o):
    # theta = forward lean of the rigid knee-to-head line; knee flex applied = 90 - theta.
    # pike: the trunk leans further than the thighs (hip flexion), growing with the lean.
    theta = nordic_theta(p, o.get("d"), o.get("ecc", 3.0), o.get("break_lean"))
    pike = (o.get("pike") or 0.0) * np.clip(theta / NORDIC_BOTTOM, 0, 1)
    return dict(mode="kneel", root=theta + pike, a=_legs(-theta), k=_legs(90.0 - theta), pike=pike,
                f=_legs(np.full_like(p, 60.0)),  # plantarflexed: top of the foot toward the floor
                toe_at=("tibia", "tibia"), arm="catch")


def _curl_prone(p, lumbar, knees, **o):
    # Lying face down (pelvis turned 90 deg, thighs along the trunk); relaxed plantarflexion.
    return dict(mode="prone", root=np.full_like(p, 90.0), a=_legs(np.full_like(p, -90.0)),
                k=_legs(115.0 * p), f=_legs(np.full_like(p, 30.0)), toe_at=("tibia", "tibia"), arm="prone")


def _curl_seated(p, lumbar, knees, **o):
    # Thighs horizontal on the seat, trunk reclined; both knees curl from extended to ~96 deg.
    return dict(mode="seated", root=-SEAT_RECLINE + lumbar, a=_legs(np.full_like(p, 90.0)),
                k=_legs(87.0 * p), f=_legs(np.zeros_like(p)), toe_at=("tibia", "tibia"), arm="seat")


def _curl_standing(p, lumbar, knees, **o):
    # Upright on the right leg; the left heel curls up behind (knee ~114 deg, thigh ~8 deg forward).
    # The curling foot stays level while it leaves the floor (no toe dig), then follows the shin.
    z = np.zeros_like(p)
    a, k = 8.0 * p, 105.0 * p
    return dict(mode="stand", stance=("R",), root=lumbar, a=_legs(a, z), k=_legs(k, z),
                f=_legs(-(k - a) * (1 - p), z), toe_at=("tibia", "hip"), arm="front")


GHR_TOP_LEAN = 5.0  # glute-ham raise: knee-to-head line ends this far forward of vertical


def _ghr(p):
    # Glute-ham raise: shins horizontal (feet on a footplate behind), knees behind a pad. From the
    # body horizontal face down (knees and hips straight, theta = 90) the knees flex and bring the
    # rigid knee-to-head line up to theta = GHR_TOP_LEAN; hips stay straight throughout.
    theta = 90.0 - (90.0 - GHR_TOP_LEAN) * p
    return dict(mode="ghr", root=theta, a=_legs(-theta), k=_legs(90.0 - theta),
                f=_legs(np.zeros_like(p)),  # shin horizontal, foot at rest angle: soles face back
                toe_at=("tibia", "tibia"), arm="trunk:ghr")


BRIDGE_KNEE = 81.0  # single-leg bridge: applied knee flexion of the working (left) leg, ~90 total


def _bridge(p, body=None, **o):
    """Single-leg bridge, lying on the back (head toward +Y), left foot flat on the floor, right
    leg straight with its thigh parallel to the left one. Driven by the trunk's elevation e
    (hip above shoulder line), the hip flexion h that keeps the left sole on the floor with the
    upper back on the floor is solved on the body's rig: e = 0 at the bottom (hips down), e at
    h = 0 (hip neutral) at the top. root = -(90 + e), thigh a = 90 + e + h."""
    e_top, h_of_e = bridge_geometry(body)
    e = e_top * p
    h = h_of_e(e)
    a = 90.0 + e + h
    k = np.full_like(p, BRIDGE_KNEE)
    return dict(mode="supine", stance=("L",), root=-(90.0 + e), a=_legs(a, a), k=_legs(k, 0 * k),
                f=_legs(a - k, np.full_like(p, 20.0)),  # left foot flat on the floor
                toe_at=("tibia", "tibia"), arm="supine", neck=e, bridge_e=e, bridge_h=h)


def bridge_geometry(body):
    """(e_top, h(e)) for the single-leg bridge on this body (see _bridge)."""
    H, K, A = body.h("upperleg01.L"), body.h("lowerleg01.L"), body.h("foot.L")
    r0 = body.h("root")
    rv, names = body.rest_vertices, body.region_names
    ank_h = A[2] - rv[:, 2].min()
    trunk = np.array([nm.startswith(("spine", "root", "pelvis", "clavicle", "shoulder01")) for nm in names])
    tv = rv[trunk] - r0
    hgrid = np.arange(-40.0, 120.0, 0.02)

    def solve_h(e):
        Rt = rx(-(90.0 + e))
        back = (tv @ Rt.T)[:, 2].min()
        hip = Rt @ (H - r0)
        a = 90.0 + e + hgrid
        # knee = hip + Rx(-a)(K - H); ankle = knee + Rx(k - a)(A - K), z components only
        def rz_of(vec, ang):
            t = np.radians(ang)
            return np.sin(t) * vec[1] + np.cos(t) * vec[2]
        sole = hip[2] + rz_of(K - H, -a) + rz_of(A - K, BRIDGE_KNEE - a) - ank_h
        i = np.argmin(np.abs(sole - back))
        return hgrid[i]

    lo, hi = 0.0, 80.0
    for _ in range(40):
        mid = 0.5 * (lo + hi)
        if solve_h(mid) > 0:
            lo = mid
        else:
            hi = mid
    e_top = 0.5 * (lo + hi)
    eg = np.linspace(0, e_top, 201)
    hg = np.array([solve_h(x) for x in eg])
    return e_top, lambda e: np.interp(e, eg, hg)


EXERCISES = {
    "rdl": _rdl,
    "squat": _squat,
    "nordic": _nordic,
    "leg_curl_prone": _curl_prone,
    "leg_curl_seated": _curl_seated,
    "leg_curl_standing": _curl_standing,
    "deadlift": _deadlift,
    "single_leg_bridge": lambda p, lumbar, knees, **o: _bridge(p, **o),
    "glute_ham_raise": lambda p, lumbar, knees, **o: _ghr(p),
}


LEANBACK_LUMBAR_SHARE = 0.6  # a lockout lean-back: this share from the low back, the rest from the hips


def exercise_params(ex, p, back="neutral", knees="soft", toes="neutral", toe_deg=20.0, lumbar_deg=20.0, **opts):
    """Per-frame parameters for progress p (see the module docstring) + mode, stance, arm.

    opts: u (concentric_fraction), d (eccentric_fraction), ecc (s), pattern ("together" |
    "hip_first"), lean (squat), body (single_leg_bridge solves its geometry on the body),
    lockout (per-frame lockout_weight, for back="leanback"), pike and break_lean (nordic)."""
    phi = {"in": -toe_deg, "neutral": 0.0, "out": toe_deg}[toes]
    lum_sign = {"neutral": 0.0, "arched": 1.0, "rounded": -1.0, "leanback": 0.0}[back]
    # Lumbar flex/ext builds with depth (held in the lower part of the rep).
    lumbar = lum_sign * lumbar_deg * np.clip(p / 0.5, 0, 1) ** 1.0
    lean_back = np.zeros(len(p))
    if back == "leanback":  # at lockout the rib cage ends lumbar_deg behind vertical
        lean_back = lumbar_deg * opts["lockout"]
        lumbar = LEANBACK_LUMBAR_SHARE * lean_back
    prm = EXERCISES[ex](p, lumbar, knees, **opts)
    if back == "leanback" and prm["mode"] == "stand":
        prm["root"] = prm["root"] - lean_back  # ribcage at T - lean_back, pelvis behind by the hips' share
    prm.update(lumbar=lumbar, phi=np.full(len(p), phi), lean_back=lean_back)
    return prm


def _arm_rot(body, s, sg, arm):
    """World rotation of the upper arm pointing along ARM_TARGETS[arm] (or ARM_TRUNK[...] for
    "trunk:NAME", then in the trunk's rest frame)."""
    x, y, z = ARM_TRUNK[arm[6:]] if arm.startswith("trunk:") else ARM_TARGETS[arm]
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
    aim = prm["arm"] == "aim"  # per-frame world directions prm["arm_dir"] (n, 2, 3)
    trunk_arm = prm["arm"].startswith("trunk:")
    arm = {} if aim else {s: _arm_rot(body, s, sg, prm["arm"]) for s, sg in sides}
    neck = prm.get("neck")
    if neck is not None:
        D["neck01"] = np.stack([rx(x) for x in neck])
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
            if aim:
                R_arm = align(body.h(f"lowerarm01.{s}") - body.h(f"upperarm01.{s}"), prm["arm_dir"][i, j])
            else:
                R_arm = arm[s]
            # arms fixed in the world (or, trunk:NAME, fixed relative to the trunk)
            D[f"upperarm01.{s}"][i] = R_arm if trunk_arm else chain.T @ R_arm
            D[f"lowerarm01.{s}"][i] = body.elbow_fix[s]
    return D
