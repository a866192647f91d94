#!/usr/bin/env python
"""Render a synthetic hamstring-exercise clip with exactly known joint angles (dev tool).

Run with the generator venv (anny + pyrender + OSMesa), never formcheck's runtime:
    PYOPENGL_PLATFORM=osmesa ANNY_CACHE_DIR=/tmp/anny_cache \
        /tmp/genv/bin/python tools/synth/render_set.py --exercise rdl --yaw 90 --out /tmp/synth_out
Writes NAME.mp4, NAME.truth.npz and NAME.json into --out. See README.md.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

os.environ.setdefault("PYOPENGL_PLATFORM", "osmesa")
os.environ.setdefault("ANNY_CACHE_DIR", "/tmp/anny_cache")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np
from motion import (
    DEFAULT_TEMPO,
    FAMILY,
    NORDIC_FALL_S,
    POSTURE,
    bone_deltas,
    concentric_fraction,
    exercise_params,
    lockout_weight,
    timeline,
)
from synth_body import JOINT_BONES, Body

FLOOR_RGB = (0.55, 0.52, 0.48)
BG_RGB = (0.86, 0.86, 0.83)
BENCH_TOP = 0.5  # prone leg curl bench
SEAT_TOP = 0.5  # seated leg curl seat (feet clear the floor at ~96 deg knee flexion)
SUPPORT_TOP = {"prone": BENCH_TOP, "seated": SEAT_TOP}
SUPPORT_RGB = {"prone": (40, 40, 45), "seated": (120, 120, 125)}
GHR_KNEE_Z = 0.85  # glute-ham raise: knee joint centres this high (shins horizontal on the machine)
PAD_RGB, METAL_RGB = (40, 40, 45), (120, 120, 125)
PARTNER_SEED_OFFSET = 100  # nordic --partner: the partner's body seed = lifter's + this
PARTNER_LEAN, PARTNER_SWAY, PARTNER_SWAY_S = 62.0, 3.0, 3.3  # trunk lean, +- sway (deg), period (s)


def angle3(a, b, c):
    """Angle at b (degrees) of points a-b-c; arrays (..., 3)."""
    u = a - b
    w = c - b
    cos = np.sum(u * w, -1) / (np.linalg.norm(u, axis=-1) * np.linalg.norm(w, axis=-1))
    return np.degrees(np.arccos(np.clip(cos, -1, 1)))


def look_at(pos, target, up=(0, 0, 1)):
    z = np.asarray(pos, float) - np.asarray(target, float)
    z /= np.linalg.norm(z)
    x = np.cross(up, z)
    if np.linalg.norm(x) < 1e-6:
        x = np.cross((0, 1, 0), z)
    x /= np.linalg.norm(x)
    y = np.cross(z, x)
    M = np.eye(4)
    M[:3, 0], M[:3, 1], M[:3, 2], M[:3, 3] = x, y, z, pos
    return M


def project(points, cam_pose, fy, W, H):
    """Pinhole projection matching pyrender's PerspectiveCamera (square pixels)."""
    R = cam_pose[:3, :3]
    t = cam_pose[:3, 3]
    pc = (points - t) @ R  # camera coords: x right, y up, looking along -z
    z = -pc[..., 2]
    u = W / 2 + fy * pc[..., 0] / z
    v = H / 2 - fy * pc[..., 1] / z
    return np.stack([u, v], -1)


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--exercise", default="rdl", choices=list(DEFAULT_TEMPO))
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--tempo", default=None, help="eccentric,concentric,pause seconds (default per exercise)")
    ap.add_argument("--fps", type=float, default=30.0)
    ap.add_argument("--size", default="360x640", help="WxH (default portrait 360x640)")
    ap.add_argument("--yaw", type=float, default=90.0, help="camera azimuth: 0 = front, 90 = lifter's left side, -90 = right side")
    ap.add_argument("--pitch", type=float, default=0.0, help="camera elevation, + = above looking down")
    ap.add_argument("--distance", type=float, default=None, help="camera distance (m) from the motion's centre (default: auto-fit the whole movement, >= 2.2 m)")
    ap.add_argument("--yfov", type=float, default=60.0, help="vertical field of view (deg)")
    ap.add_argument("--body-seed", type=int, default=0, help="0 = average body; other seeds vary shape and colours")
    ap.add_argument("--back", default="neutral", choices=["neutral", "arched", "rounded", "leanback"])
    ap.add_argument("--lumbar-deg", type=float, default=20.0,
                    help="lumbar extension/flexion for --back arched/rounded; the rib cage's lean behind vertical at lockout for leanback")
    ap.add_argument("--pike", type=float, default=0.0, help="nordic: hip flexion (deg) reached at the bottom")
    ap.add_argument("--break-lean", type=float, default=None,
                    help="nordic: the knee-to-head line's lean (deg) where the lowering stops being controlled and the lifter falls")
    ap.add_argument("--knees", default="soft", choices=["soft", "some", "squat"], help="rdl only")
    ap.add_argument("--pattern", default="together", choices=["together", "hip_first"],
                    help="rdl/deadlift concentric: hips and knees together, or knees straighten first (hips rise first)")
    ap.add_argument("--lean", type=float, default=None, help="squat: trunk lean at the bottom (default 42)")
    ap.add_argument("--partner", action="store_true", help="nordic: a second body holds the ankles")
    ap.add_argument("--toes", default="neutral", choices=["in", "neutral", "out"])
    ap.add_argument("--toe-deg", type=float, default=20.0, help="toe rotation magnitude for --toes in/out")
    ap.add_argument("--name", default=None, help="clip name (default built from the options)")
    ap.add_argument("--out", default="/tmp/synth_out")
    ap.add_argument("--no-video", action="store_true", help="truth only (fast)")
    return ap.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    t0 = time.time()
    W, H = (int(x) for x in args.size.lower().split("x"))
    ecc, con, pause = (
        tuple(float(x) for x in args.tempo.split(",")) if args.tempo else DEFAULT_TEMPO[args.exercise]
    )
    extra = ("_hipfirst" if args.pattern == "hip_first" else "") + (f"_lean{args.lean:g}" if args.lean else "") + (
        "_partner" if args.partner else "")
    name = args.name or (
        f"{args.exercise}_y{int(args.yaw)}_p{int(args.pitch)}_b{args.body_seed}_{args.back}_{args.knees}_{args.toes}{extra}"
    )
    os.makedirs(args.out, exist_ok=True)

    body = Body(args.body_seed)
    ts, p, r_start, r_turn, r_end = timeline(args.reps, ecc, con, pause, args.fps)
    prm = exercise_params(args.exercise, p, args.back, args.knees, args.toes, args.toe_deg, args.lumbar_deg,
                          u=concentric_fraction(ts, r_turn, r_end), d=concentric_fraction(ts, r_start, r_turn),
                          ecc=ecc, pattern=args.pattern, lean=args.lean, body=body,
                          lockout=lockout_weight(ts, p, r_turn, r_end), pike=args.pike, break_lean=args.break_lean)
    D = bone_deltas(body, prm)
    n = len(ts)

    # Skin in chunks.
    verts, heads = [], []
    for i in range(0, n, 64):
        v, h = body.pose_batch({b: R[i:i + 64] for b, R in D.items()})
        verts.append(v.astype(np.float32))
        heads.append(h)
    verts = np.concatenate(verts)
    heads = np.concatenate(heads)
    t_skin = time.time() - t0

    shift = placement(body, prm, verts, heads)  # into the world: floor at z = 0
    verts += shift[:, None, :].astype(np.float32)
    heads += shift[:, None, :]
    ix = body.idx

    # Truth joints (3-D, metres, world): bone heads + heel/toe-tip vertices.
    J = {}
    for j, b in JOINT_BONES.items():
        for s in ("L", "R"):
            J[f"{j}_{s}"] = heads[:, ix(f"{b}.{s}")]
    for s in ("L", "R"):
        J[f"heel_{s}"] = verts[:, body.heel_v[s]].astype(float)
        J[f"toetip_{s}"] = verts[:, body.toetip_v[s]].astype(float)
    jnames = list(J)
    joints3d = np.stack([J[k] for k in jnames], 1)

    knee = np.stack([180 - angle3(J[f"hip_{s}"], J[f"knee_{s}"], J[f"ankle_{s}"]) for s in "LR"], 1)
    hip = np.stack([180 - angle3(J[f"shoulder_{s}"], J[f"hip_{s}"], J[f"knee_{s}"]) for s in "LR"], 1)
    hl = J["hip_L"] - J["hip_R"]
    hl /= np.linalg.norm(hl, axis=1, keepdims=True)

    def sag(x):  # project onto the sagittal plane (normal = hip line); what a side view sees
        return x - np.sum(x * hl, 1, keepdims=True) * hl

    knee_sag = np.stack([180 - angle3(sag(J[f"hip_{s}"]), sag(J[f"knee_{s}"]), sag(J[f"ankle_{s}"])) for s in "LR"], 1)
    hip_sag = np.stack([180 - angle3(sag(J[f"shoulder_{s}"]), sag(J[f"hip_{s}"]), sag(J[f"knee_{s}"])) for s in "LR"], 1)

    def toe_angle(a, b, sign):
        f = b - a
        return sign * np.degrees(np.arcsin(np.sum(f * hl, 1) / np.linalg.norm(f, axis=1)))

    toe = np.stack([toe_angle(J[f"ankle_{s}"], J[f"ball_{s}"], sg) for s, sg in (("L", 1), ("R", -1))], 1)
    toe_heel = np.stack([toe_angle(J[f"heel_{s}"], J[f"toetip_{s}"], sg) for s, sg in (("L", 1), ("R", -1))], 1)
    trunk_vec = 0.5 * (J["shoulder_L"] + J["shoulder_R"]) - 0.5 * (J["hip_L"] + J["hip_R"])
    trunk_lean = np.degrees(np.arccos(trunk_vec[:, 2] / np.linalg.norm(trunk_vec, axis=1)))

    partner = None
    if args.partner:
        partner = make_partner(args, J, ts)
    # Camera around the centre of the motion (all vertices over the clip, the partner's too).
    sub = verts[:: max(1, n // 40), ::7]
    if partner is not None:
        sub = np.concatenate([sub, partner[1][:: max(1, n // 40), ::7]], 1)
    lo = sub.reshape(-1, 3).min(0)
    hi = sub.reshape(-1, 3).max(0)
    target = 0.5 * (lo + hi)
    target[2] = 0.5 * (max(lo[2], 0.0) + hi[2])
    yaw, pitch = np.radians(args.yaw), np.radians(args.pitch)
    view_dir = np.array([np.cos(pitch) * np.sin(yaw), -np.cos(pitch) * np.cos(yaw), np.sin(pitch)])
    fy = (H / 2) / np.tan(np.radians(args.yfov) / 2)
    dist = args.distance
    if dist is None:  # auto: closest distance (>= 2.2 m) keeping the body inside 6%..94% of the frame
        dist = 2.2
        while dist < 15:
            pv = project(sub.reshape(-1, 3).astype(float), look_at(target + dist * view_dir, target), fy, W, H)
            if (pv[:, 0].min() > 0.06 * W and pv[:, 0].max() < 0.94 * W
                    and pv[:, 1].min() > 0.06 * H and pv[:, 1].max() < 0.94 * H):
                break
            dist += 0.1
        args.distance = round(float(dist), 2)
    cam_pos = target + dist * view_dir
    cam_pose = look_at(cam_pos, target)
    px = project(joints3d, cam_pose, fy, W, H)

    t_render = 0.0
    if not args.no_video:
        t1 = time.time()
        write_video(os.path.join(args.out, name + ".mp4"), body, verts, cam_pose, args, W, H, prm["mode"], J, partner)
        t_render = time.time() - t1

    reps = []
    for r, (s0, tu, e) in enumerate(zip(r_start, r_turn, r_end)):
        m = (ts >= s0 - 1e-9) & (ts <= e + 1e-9)
        iturn = int(np.argmin(np.abs(ts - tu)))
        reps.append(dict(
            rep=r + 1, start_s=float(s0), turn_s=float(tu), end_s=float(e),
            eccentric_s=float(tu - s0), concentric_s=float(e - tu),
            knee_deg_min=knee[m].min(0).round(2).tolist(), knee_deg_max=knee[m].max(0).round(2).tolist(),
            hip_deg_at_turn=hip[iturn].round(2).tolist(), hip_sag_deg_at_turn=hip_sag[iturn].round(2).tolist(),
            knee_sag_deg_at_turn=knee_sag[iturn].round(2).tolist(), knee_deg_at_turn=knee[iturn].round(2).tolist(),
            trunk_lean_deg_at_turn=round(float(trunk_lean[iturn]), 2),
            toe_deg_mean=toe[m].mean(0).round(2).tolist(),
            lumbar_ext_deg_at_turn=round(float(prm["lumbar"][iturn]), 2),
            lean_back_deg_max=round(float(prm["lean_back"][m].max()), 2),
            pike_deg_at_turn=round(float(np.asarray(prm.get("pike", np.zeros(n)))[iturn]), 2),
            break_knee_deg=(None if args.break_lean is None else
                            np.interp(s0 + (1.0 - NORDIC_FALL_S / ecc) * ecc, ts, knee.mean(1)).round(2).item()),
        ))

    np.savez_compressed(
        os.path.join(args.out, name + ".truth.npz"),
        t_s=ts, knee_deg=knee, hip_deg=hip, knee_sag_deg=knee_sag, hip_sag_deg=hip_sag, toe_deg=toe, toe_heel_deg=toe_heel,
        lumbar_ext_deg=prm["lumbar"], trunk_lean_deg=trunk_lean, progress=p, lean_back_deg=prm["lean_back"],
        rep_start_s=r_start, rep_turn_s=r_turn, rep_end_s=r_end,
        joint_names=np.array(jnames), joints_3d=joints3d, joints_px=px,
        camera_pose=cam_pose, camera_fy=fy, image_wh=np.array([W, H]),
    )
    meta = dict(
        name=name, family=FAMILY[args.exercise], posture=POSTURE[args.exercise],
        args={k: v for k, v in vars(args).items()}, tempo=dict(eccentric_s=ecc, concentric_s=con, pause_s=pause),
        body=dict(seed=args.body_seed, phenotype=body.phenotype),
        partner=(None if partner is None else dict(seed=partner[0].seed, phenotype=partner[0].phenotype, **partner[2])),
        camera=dict(position=cam_pos.round(4).tolist(), target=target.round(4).tolist(), yaw_deg=args.yaw,
                    pitch_deg=args.pitch, distance_m=args.distance, yfov_deg=args.yfov,
                    fx=fy, fy=fy, cx=W / 2, cy=H / 2, width=W, height=H,
                    pose_cam_to_world=cam_pose.round(6).tolist(),
                    convention="world Z up, lifter faces -Y, lifter's left +X; camera OpenGL (looks along -z)"),
        n_frames=n, fps=args.fps, duration_s=n / args.fps,
        truth_definitions=dict(
            knee_deg="180 - angle(hip, knee, ankle), rig 3-D joint centres (0 = straight)",
            hip_deg="180 - angle(shoulder, hip, knee); shoulder = upperarm01 head",
            knee_sag_deg="knee_deg with the points projected onto the sagittal plane (normal = hip line): the side-view value",
            hip_sag_deg="hip_deg projected likewise (the 3-D hip_deg includes ~14 deg from lateral shoulder/knee offsets at standing)",
            toe_deg="asin(foot axis . hip-line unit), foot axis ankle(foot head)->ball(toe3-1 head); + = toes out",
            toe_heel_deg="same with heel vertex -> toe-tip vertex (closer to MediaPipe heel->foot_index)",
            lumbar_ext_deg="lumbar extension applied over spine05/04/03 (+ arched, - rounded)",
            trunk_lean_deg="angle of hip-mid -> shoulder-mid from vertical",
            lean_back_deg="the rib cage's lean behind vertical applied at lockout (--back leanback)",
            break_knee_deg="nordic --break-lean: mean knee_deg when the controlled lowering ends and the fall starts",
            pike_deg_at_turn="nordic --pike: hip flexion applied at the turn",
        ),
        reps=reps,
        timing=dict(skin_s=round(t_skin, 2), render_s=round(t_render, 2),
                    render_ms_per_frame=round(1000 * t_render / n, 1)),
    )
    with open(os.path.join(args.out, name + ".json"), "w") as f:
        json.dump(meta, f, indent=1)

    print(f"{name}: {n} frames @ {args.fps} fps ({n / args.fps:.1f} s), {W}x{H}, yaw {args.yaw} pitch {args.pitch}")
    print(f"  body seed {args.body_seed}: " + ", ".join(f"{k}={v:.2f}" for k, v in body.phenotype.items()))
    print(f"  knee_deg L/R range: {knee[:, 0].min():.1f}-{knee[:, 0].max():.1f} / {knee[:, 1].min():.1f}-{knee[:, 1].max():.1f}")
    print(f"  knee_sag L/R range: {knee_sag[:, 0].min():.1f}-{knee_sag[:, 0].max():.1f} / {knee_sag[:, 1].min():.1f}-{knee_sag[:, 1].max():.1f}")
    print(f"  hip_sag  L/R range: {hip_sag[:, 0].min():.1f}-{hip_sag[:, 0].max():.1f} / {hip_sag[:, 1].min():.1f}-{hip_sag[:, 1].max():.1f}")
    print(f"  hip_deg  L/R range: {hip[:, 0].min():.1f}-{hip[:, 0].max():.1f} / {hip[:, 1].min():.1f}-{hip[:, 1].max():.1f}")
    print(f"  toe_deg mean L/R: {toe[:, 0].mean():.1f} / {toe[:, 1].mean():.1f} (heel->toetip {toe_heel[:, 0].mean():.1f} / {toe_heel[:, 1].mean():.1f})")
    print(f"  trunk lean max {trunk_lean.max():.1f}, lumbar_ext range {prm['lumbar'].min():.1f}..{prm['lumbar'].max():.1f}")
    for r in reps:
        print(f"  rep {r['rep']}: {r['start_s']:.2f}-{r['turn_s']:.2f}-{r['end_s']:.2f} s, knee at turn {r['knee_deg_at_turn']}, hip at turn {r['hip_deg_at_turn']}")
    print_checks(prm, knee, hip_sag, args)
    inside = ((px[..., 0] >= 0) & (px[..., 0] < W) & (px[..., 1] >= 0) & (px[..., 1] < H)).mean()
    print(f"  joints inside frame: {inside:.3f}; skin {t_skin:.1f} s, render {t_render:.1f} s ({1000 * t_render / n:.0f} ms/frame)")
    return 0


def placement(body, prm, verts, heads):
    """Per-frame translation (n,3) putting the skinned body into the world (floor at z = 0).

    Standing: the stance ankles stay put with the soles on the floor (with one stance foot, the
    frame-0 ankle midpoint is the origin); kneeling: knees on the floor; prone/seated: the hips
    fixed with the trunk/thighs resting on the bench/seat top."""
    ix, rv, names = body.idx, body.rest_vertices, body.region_names
    n = len(heads)
    mode = prm["mode"]
    if mode in ("stand", "supine"):
        ank_h = body.h("foot.L")[2] - rv[:, 2].min()  # ankle height above the sole in the rest pose
        mid0 = 0.5 * (heads[0, ix("foot.L")] + heads[0, ix("foot.R")])
        anchor = np.mean([heads[:, ix(f"foot.{s}")] for s in prm["stance"]], 0)
        anchor[:, :2] += mid0[:2] - anchor[0, :2]
        return np.c_[-anchor[:, :2], ank_h - anchor[:, 2]]
    if mode == "kneel":
        shin = np.array([nm.startswith("lowerleg") for nm in names])
        anchor = 0.5 * (heads[:, ix("lowerleg01.L")] + heads[:, ix("lowerleg01.R")])
        return np.c_[-anchor[:, :2], -verts[:, shin, 2].min(1)]
    if mode == "ghr":
        anchor = 0.5 * (heads[:, ix("lowerleg01.L")] + heads[:, ix("lowerleg01.R")])
        return np.c_[-anchor[:, :2], GHR_KNEE_Z - anchor[:, 2]]
    # prone on a bench / seated: hips fixed
    trunk = np.array([nm.startswith(("spine", "root", "pelvis", "upperleg0")) for nm in names])
    anchor = 0.5 * (heads[:, ix("upperleg01.L")] + heads[:, ix("upperleg01.R")])
    low0 = verts[0, trunk, 2].min() - anchor[0, 2]
    return np.c_[-anchor[:, :2], np.full(n, SUPPORT_TOP[mode] - low0) - anchor[:, 2]]


def _box(lo, hi, rgb):
    import trimesh

    lo, hi = np.asarray(lo, float), np.asarray(hi, float)
    box = trimesh.creation.box(extents=hi - lo)
    box.apply_translation(0.5 * (lo + hi))
    box.visual.vertex_colors = np.array([*rgb, 255], np.uint8)
    return box


def ghr_machine(J, verts0, body):
    """Glute-ham raise machine as plain boxes: a thigh pad in front of the knees under the
    horizontal thighs, a footplate behind the soles, a roller over the heels, two posts."""
    names = body.region_names
    ky = 0.5 * (J["knee_L"][0, 1] + J["knee_R"][0, 1])
    kz = 0.5 * (J["knee_L"][0, 2] + J["knee_R"][0, 2])
    thigh = np.array([nm.startswith("upperleg") for nm in names])
    tv = verts0[thigh]
    near = tv[(tv[:, 1] > ky - 0.30) & (tv[:, 1] < ky - 0.06)]
    pad_top = near[:, 2].min()
    feet = np.array([nm.startswith(("foot", "toe")) for nm in names])
    fv = verts0[feet]
    sole_y = fv[:, 1].max()
    ay = 0.5 * (J["ankle_L"][0, 1] + J["ankle_R"][0, 1])
    shin = np.array([nm.startswith("lowerleg") for nm in names])
    sv = verts0[shin]
    heel_top = sv[np.abs(sv[:, 1] - ay) < 0.06, 2].max()
    return [
        _box((-0.22, ky - 0.30, pad_top - 0.14), (0.22, ky - 0.06, pad_top), PAD_RGB),  # thigh pad
        _box((-0.05, ky - 0.22, 0.0), (0.05, ky - 0.14, pad_top - 0.14), METAL_RGB),  # its post
        _box((-0.22, sole_y + 0.005, kz - 0.30), (0.22, sole_y + 0.03, kz + 0.02), METAL_RGB),  # footplate
        _box((-0.05, sole_y + 0.03, 0.0), (0.05, sole_y + 0.11, kz - 0.25), METAL_RGB),  # its post
        _box((-0.20, ay - 0.05, heel_top + 0.002), (0.20, ay + 0.03, heel_top + 0.07), PAD_RGB),  # heel roller
    ]


def make_partner(args, J, ts):
    """Nordic partner: a second body kneeling behind the lifter's feet (facing the same way),
    trunk leaning forward with a small sway, straight arms aimed at the lifter's ankles.
    Returns (Body, verts (n,V,3) in the world, facts)."""
    n = len(ts)
    pb = Body(args.body_seed + PARTNER_SEED_OFFSET)
    T = PARTNER_LEAN + PARTNER_SWAY * np.sin(2 * np.pi * ts / PARTNER_SWAY_S)
    a = np.full(n, 20.0)  # hips sit back: knees 20 deg forward of the hips
    legs = np.stack([a, a], 1)
    prm = dict(mode="kneel", root=T, a=legs, k=legs + 90.0, f=np.full((n, 2), 60.0), toe_at=("tibia", "tibia"),
               arm="hang", lumbar=np.zeros(n), phi=np.zeros(n))
    ix = pb.idx

    def skin(prm):
        D = bone_deltas(pb, prm)
        vs, hs = [], []
        for i in range(0, n, 64):
            v, h = pb.pose_batch({b: R[i:i + 64] for b, R in D.items()})
            vs.append(v.astype(np.float32))
            hs.append(h)
        return np.concatenate(vs), np.concatenate(hs)

    v, h = skin(prm)
    shift = placement(pb, prm, v, h)  # knees at the origin, shins on the floor
    sh = {s: h[:, ix(f"upperarm01.{s}")] + shift for s in "LR"}
    reach = {s: np.linalg.norm(pb.h(f"lowerarm01.{s}") - pb.h(f"upperarm01.{s}"))
             + np.linalg.norm(pb.h(f"wrist.{s}") - pb.h(f"lowerarm01.{s}")) + 0.07 for s in "LR"}
    # Palms on the back of the lifter's lower shins, just above the ankles.
    tgt = {s: J[f"ankle_{s}"][0] + np.array([0.0, -0.04, 0.07]) for s in "LR"}
    smid = 0.5 * (sh["L"] + sh["R"]).mean(0)
    tmid = 0.5 * (tgt["L"] + tgt["R"])
    r = 0.5 * (reach["L"] + reach["R"])
    dz = smid[2] - tmid[2]
    dy = np.sqrt(max(r * r - dz * dz, 0.0))
    off = np.array([tmid[0] - smid[0], tmid[1] + dy - smid[1], 0.0])
    prm["arm"] = "aim"
    dirs = np.stack([tgt[s][None] - (sh[s] + off) for s in "LR"], 1)
    prm["arm_dir"] = dirs / np.linalg.norm(dirs, axis=-1, keepdims=True)
    v, h = skin(prm)
    v += (shift + off)[:, None, :].astype(np.float32)
    h += (shift + off)[:, None, :]
    palm_err = [float(np.abs(np.linalg.norm(tgt[s][None] - (sh[s] + off), axis=1) - reach[s]).max()) for s in "LR"]
    facts = dict(trunk_lean_deg=PARTNER_LEAN, sway_deg=PARTNER_SWAY, sway_period_s=PARTNER_SWAY_S,
                 knee_y_m=round(float(0.5 * (h[0, ix("lowerleg01.L"), 1] + h[0, ix("lowerleg01.R"), 1])), 3),
                 max_reach_error_m=round(max(palm_err), 3),
                 shoulder_above_target_m=round(float(dz), 3))
    print(f"  partner seed {pb.seed}: knees at y {facts['knee_y_m']} (lifter ankles y {tmid[1]:.3f}), "
          f"shoulders {dz:.2f} m above the hands' target, reach error <= {facts['max_reach_error_m']} m")
    return pb, v, facts


def support_boxes(mode, J, verts0=None, body=None):
    """Bench (prone) or seat (seated) boxes from the floor to the support top, ending short of the
    knees (the seat is set further back so the calves and heels clear it at full flexion); the
    glute-ham raise machine (ghr)."""
    if mode == "ghr":
        return ghr_machine(J, verts0, body)
    if mode not in SUPPORT_TOP:
        return []
    import trimesh

    top = SUPPORT_TOP[mode]
    knee_y = min(J["knee_L"][0, 1], J["knee_R"][0, 1])
    if mode == "prone":  # head toward -Y, knees toward +Y
        y0, y1 = -0.9, knee_y - 0.06
    else:  # seated facing -Y: from behind the buttocks to 10 cm behind the knees
        y0, y1 = knee_y + 0.10, max(J["hip_L"][0, 1], J["hip_R"][0, 1]) + 0.25
    box = trimesh.creation.box(extents=(0.45 if mode == "prone" else 0.42, y1 - y0, top))
    box.apply_translation((0, 0.5 * (y0 + y1), top / 2))
    box.visual.vertex_colors = np.array([*SUPPORT_RGB[mode], 255], np.uint8)
    return [box]


def print_checks(prm, knee, hip_sag, args):
    """knee_deg = rig rest bend + applied knee rotation; hip_sag_deg = rest + trunk + thigh tilt."""
    rest_knee = knee[0] - prm["k"][0]
    dev = np.abs(knee - (rest_knee[None] + prm["k"])).max()
    print(f"  check: knee_deg = rest bend {rest_knee.round(2).tolist()} + applied knee; max deviation {dev:.2f} deg")
    if args.back == "neutral" and args.toes == "neutral":
        applied = prm["root"][:, None] + prm["a"]
        rest_hip = hip_sag[0] - applied[0]
        dev = np.abs(hip_sag - (rest_hip[None] + applied)).max()
        print(f"  check: hip_sag_deg = rest {rest_hip.round(2).tolist()} + trunk lean + thigh tilt applied; max deviation {dev:.2f} deg")


def write_video(path, body, verts, cam_pose, args, W, H, mode, J, partner=None):
    import cv2
    import pyrender
    import trimesh

    scene = pyrender.Scene(bg_color=(*BG_RGB, 1.0), ambient_light=(0.35, 0.35, 0.35))
    floor = trimesh.creation.box(extents=(60, 60, 0.02))
    floor.apply_translation((0, 0, -0.01))
    floor.visual.vertex_colors = np.array([*(np.array(FLOOR_RGB) * 255), 255], np.uint8)
    scene.add(pyrender.Mesh.from_trimesh(floor, smooth=False))
    for box in support_boxes(mode, J, verts[0], body):
        scene.add(pyrender.Mesh.from_trimesh(box, smooth=False))
    cam = pyrender.PerspectiveCamera(yfov=np.radians(args.yfov), aspectRatio=W / H)
    scene.add(cam, pose=cam_pose)
    target = cam_pose[:3, 3] - cam_pose[:3, 2] * args.distance
    # Key light from above the camera, fill from the other side.
    for rel, inten in (((0.8, -0.6, 2.5), 3.0), ((-1.5, 1.0, 1.5), 1.5)):
        off = cam_pose[:3, :3] @ np.array([rel[0], 0.0, 1.0]) + np.array([0, 0, rel[2]])
        scene.add(pyrender.DirectionalLight(color=np.ones(3), intensity=inten), pose=look_at(target + off * 3, target))
    r = pyrender.OffscreenRenderer(W, H)
    vw = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*"mp4v"), args.fps, (W, H))
    nodes = []
    for i in range(len(verts)):
        for nd in nodes:
            scene.remove_node(nd)
        nodes = []
        for bd, vv in ((body, verts),) + (() if partner is None else ((partner[0], partner[1]),)):
            tm = trimesh.Trimesh(vv[i], bd.faces, vertex_colors=bd.colours, process=False)
            nodes.append(scene.add(pyrender.Mesh.from_trimesh(tm, smooth=True)))
        rgb, _ = r.render(scene)
        vw.write(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    vw.release()
    r.delete()


if __name__ == "__main__":
    sys.exit(main())
