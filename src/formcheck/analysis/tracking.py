"""Keep the lifter, not the bystander: link per-frame detections into tracks, pick the one doing
the exercise, and never splice two people into one track.

A detection joins a track only if it lies within ``max_jump_body`` torso lengths of where the
track was last seen; anything else starts a new track. Tracks then join into people: a track is
someone else only if it shares a frame with them or lies out of their reach (group_people), so a
lone lifter the detector keeps losing stays one person. The lifter is the person seen longest
whose hips and knees move most (a partner holding a Nordic lifter's ankles is still).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from formcheck import skeleton as sk
from formcheck.analysis.angles import flexion_deg
from formcheck.config import TrackConfig
from formcheck.skeleton import MEDIAPIPE_POSE, KeypointLayout
from formcheck.types import DamagedSpan, PoseCandidate, PoseSequence

TRUNK = (*sk.SHOULDER, *sk.HIP)
_too_small = (np.full(2, np.nan), 1.0)  # centre_scale of a person left out: matches nothing
TOO_SMALL = "too small to pose reliably"  # in the note that says people were left out for size


def centre_scale(c: PoseCandidate) -> tuple[np.ndarray, float]:
    centre = np.nanmean(c.xy_px[list(TRUNK)], axis=0)
    sho = np.nanmean(c.xy_px[list(sk.SHOULDER)], axis=0)
    hip = np.nanmean(c.xy_px[list(sk.HIP)], axis=0)
    return centre, float(max(np.hypot(*(sho - hip)), 1.0))


@dataclass
class Track:
    frames: list[int] = field(default_factory=list)  # frame indices
    picks: list[int] = field(default_factory=list)  # candidate index within each frame
    last_centre: np.ndarray | None = None
    last_scale: float = 1.0
    last_t: float = 0.0

    def add(self, frame: int, pick: int, centre: np.ndarray, scale: float, t: float) -> None:
        self.frames.append(frame)
        self.picks.append(pick)
        self.last_centre, self.last_scale, self.last_t = centre, scale, t


STANDING_PER_CHAIN = 1.3  # standing height / shoulder-hip-knee-ankle path (stored footage, p90)


def height_px(c: PoseCandidate, width_px: int, height_px: int) -> float:
    """How tall a person would stand in the image, in whatever posture: their shoulder-hip-knee-
    ankle path (mean of both sides) times STANDING_PER_CHAIN, on landmarks clipped to the frame
    (the model places points beyond the edges, so an 8-px video can hold a "100-px" body). The
    path varies 4-5% over a squat or a hinge where the box around the body varies 20%."""
    xy = np.clip(c.xy_px, 0.0, [float(width_px), float(height_px)])
    chain = [
        sum(float(np.hypot(*(xy[a] - xy[b]))) for a, b in ((sho, hip), (hip, knee), (knee, ankle)))
        for sho, hip, knee, ankle in zip(sk.SHOULDER, sk.HIP, sk.KNEE, sk.ANKLE)
    ]
    length = np.nanmean(chain) if np.isfinite(chain).any() else 0.0
    return float(STANDING_PER_CHAIN * length)


def stature_px(c: PoseCandidate, size_wh: tuple[int, int] | None) -> float:
    """:func:`height_px` on the frame of ``size_wh``, or on unclipped landmarks without one."""
    return height_px(c, *(size_wh or (1 << 30, 1 << 30)))


def body_scale(c: PoseCandidate, size_wh: tuple[int, int] | None) -> tuple[np.ndarray, float]:
    """Centre and gate scale of a detection: its torso length, but never under a quarter of its
    stature (a torso bent towards the camera or half hidden by a plate reads short: on
    deadlift_side_good_04 it fell from 194 to 55 px and the lifter's own next frame was "too far")."""
    centre, torso = centre_scale(c)
    return centre, max(torso, 0.25 * stature_px(c, size_wh))


def link_tracks(
    t_s: np.ndarray, candidates: Sequence[list[PoseCandidate]], cfg: TrackConfig,
    size_wh: tuple[int, int] | None = None,
) -> list[Track]:
    """Greedy frame-to-frame association with a distance gate in torso lengths. Given the
    frame's ``size_wh``, people shorter than ``cfg.min_person_px`` are left out (too small to pose)."""
    tracks: list[Track] = []
    active: list[Track] = []
    for f, cands in enumerate(candidates):
        t = float(t_s[f])
        active = [tr for tr in active if t - tr.last_t <= cfg.max_gap_s]
        cs = [_too_small if size_wh and height_px(c, *size_wh) < cfg.min_person_px else body_scale(c, size_wh)
              for c in cands]
        pairs = []
        for ti, tr in enumerate(active):
            for ci, (centre, _scale) in enumerate(cs):
                d = float(np.hypot(*(centre - tr.last_centre))) / tr.last_scale
                if np.isfinite(d) and d <= cfg.max_jump_body:
                    pairs.append((d, ti, ci))
        used_t, used_c = set(), set()
        for _d, ti, ci in sorted(pairs):
            if ti in used_t or ci in used_c:
                continue
            used_t.add(ti)
            used_c.add(ci)
            active[ti].add(f, ci, cs[ci][0], cs[ci][1], t)
        for ci, (centre, scale) in enumerate(cs):
            if ci not in used_c and np.all(np.isfinite(centre)):
                tr = Track()
                tr.add(f, ci, centre, scale, t)
                tracks.append(tr)
                active.append(tr)
    return tracks


@dataclass
class Person:
    """Tracks of one person: never two in the same frame, and each where the others left off."""

    tracks: list[Track]
    frames: np.ndarray  # (m,) sorted frame indices
    centre_px: np.ndarray  # (m, 2) trunk centre in each of those frames
    stature_px: np.ndarray  # (m,) standing height in each

    def seen_s(self, t_s: np.ndarray) -> float:
        """Time on screen: frames seen times the clip's typical frame interval."""
        dt = float(np.median(np.diff(t_s))) if len(t_s) > 1 else 0.0
        return len(self.frames) * dt

    def picks(self) -> dict[int, int]:
        return {f: p for tr in self.tracks for f, p in zip(tr.frames, tr.picks)}


Size = tuple[int, int] | None


def _person(tracks: list[Track], cands: Sequence[list[PoseCandidate]], size_wh: Size) -> Person:
    pairs = sorted((f, p) for tr in tracks for f, p in zip(tr.frames, tr.picks))
    centre = np.array([centre_scale(cands[f][p])[0] for f, p in pairs]).reshape(-1, 2)
    tall = np.array([stature_px(cands[f][p], size_wh) for f, p in pairs])
    return Person(tracks, np.array([f for f, _ in pairs], int), centre, tall)


WALK_BODY_PER_S = 1.0  # while unseen, a person may have moved this many statures a second
SIZE_RATIO = 1.6  # one person's median stature in two tracks differs by less than this factor


def _reach(
    tr: Track, who: Person, t_s: np.ndarray, cands: Sequence[list[PoseCandidate]], cfg: TrackConfig,
    size_wh: Size,
) -> float:
    """How far ``tr`` is from where ``who`` was at the nearest moments, as a share of how far they
    could have moved (<= 1: the same person), or inf where the two share a frame."""
    frames = np.asarray(tr.frames)
    if np.isin(frames, who.frames).any():
        return float("inf")
    size = np.median([stature_px(cands[f][p], size_wh) for f, p in zip(tr.frames, tr.picks)])
    if not 1 / SIZE_RATIO <= size / max(float(np.median(who.stature_px)), 1.0) <= SIZE_RATIO:
        return float("inf")  # half the size or twice it: part of a body, or someone else
    ratios = []
    for i in np.linspace(0, len(frames) - 1, min(len(frames), 25)).round().astype(int):
        f = frames[i]
        j = int(np.argmin(np.abs(t_s[who.frames] - t_s[f])))
        tall = max(float(who.stature_px[j]), 1.0)
        dist = float(np.hypot(*(centre_scale(cands[f][tr.picks[i]])[0] - who.centre_px[j])))
        allow = 0.5 * cfg.max_jump_body + WALK_BODY_PER_S * abs(float(t_s[f] - t_s[who.frames[j]]))
        ratios.append(dist / tall / allow)
    return float(np.nanmedian(ratios)) if ratios else float("inf")


def group_people(
    t_s: np.ndarray, candidates: Sequence[list[PoseCandidate]], cfg: TrackConfig, size_wh: Size = None,
) -> list[Person]:
    """Tracks joined into people, longest tracks first: a track is someone else only if it shares
    a frame with, or lies out of reach of, everyone seen so far. A lone lifter the detector lost
    many times is one person."""
    tracks = sorted(link_tracks(t_s, candidates, cfg, size_wh), key=lambda tr: -len(tr.frames))
    people: list[Person] = []
    for tr in tracks:
        fits = [(r, k) for k, who in enumerate(people) if (r := _reach(tr, who, t_s, candidates, cfg, size_wh)) <= 1.0]
        if fits:
            k = min(fits)[1]
            people[k] = _person([*people[k].tracks, tr], candidates, size_wh)
        else:
            people.append(_person([tr], candidates, size_wh))
    return people


def _action(who: Person, t_s: np.ndarray, cands: Sequence[list[PoseCandidate]], size_wh: Size) -> float:
    """How likely ``who`` is the one training: time seen x how far their hips and knees moved
    (5-95% range, the more mobile side) x sqrt(stature), a little less away from the frame's
    middle. A partner holding a Nordic lifter's ankles is seen as long and as large, but still."""
    picks = who.picks()
    pts = np.stack([cands[f][picks[f]].xy_px for f in who.frames])
    motion = 0.0
    for a, b, c in ((sk.HIP, sk.KNEE, sk.ANKLE), (sk.SHOULDER, sk.HIP, sk.KNEE)):
        spans = [0.0]
        for side in range(2):
            ang = flexion_deg(pts[:, a[side]], pts[:, b[side]], pts[:, c[side]])
            ang = ang[np.isfinite(ang)]
            if ang.size >= 5:
                spans.append(float(np.ptp(np.percentile(ang, [5, 95]))))
        motion += max(spans)
    central = 1.0
    if size_wh:
        off = abs(float(np.median(who.centre_px[:, 0])) - size_wh[0] / 2) / (size_wh[0] / 2)
        central = 1.0 - 0.3 * min(off, 1.0)
    return who.seen_s(t_s) * (10.0 + motion) * float(np.sqrt(max(np.median(who.stature_px), 1.0))) * central


def select_lifter(
    t_s: np.ndarray, candidates: Sequence[list[PoseCandidate]], cfg: TrackConfig, size_wh: Size = None,
) -> tuple[list[int | None], list[str]]:
    """For each frame, the index of the lifter's candidate (or None), plus notes for the report.
    Given the frame's ``size_wh``, people too small to pose are never picked (and said so)."""
    n = len(candidates)
    shortest = min(cfg.min_track_s, _span(t_s) / 2)
    people = [
        who for who in group_people(t_s, candidates, cfg, size_wh)
        if t_s[who.frames[-1]] - t_s[who.frames[0]] >= shortest
    ]
    picks: list[int | None] = [None] * n
    if not people:
        return picks, _small_notes(candidates, cfg, size_wh, [])
    scores = [_action(who, t_s, candidates, size_wh) for who in people]
    lifter = people[int(np.argmax(scores))]
    for f, p in lifter.picks().items():
        picks[f] = p
    notes = []
    others = sorted((who for who in people if who is not lifter), key=lambda w: -len(w.frames))
    if others:
        seen = ", ".join(f"{who.seen_s(t_s):.1f} s" for who in others)
        some = "another person" if len(others) == 1 else f"{len(others)} other people"
        notes.append(
            f"{some} (seen {seen}) {'was' if len(others) == 1 else 'were'} ignored; the lifter was "
            "taken to be the person whose hips and knees moved most"
        )
    return picks, notes + _small_notes(candidates, cfg, size_wh, [
        candidates[f][p] for f, p in enumerate(picks) if p is not None
    ])


def _small_notes(
    candidates: Sequence[list[PoseCandidate]], cfg: TrackConfig, size_wh: tuple[int, int] | None,
    lifter: list[PoseCandidate],
) -> list[str]:
    """Notes on people too small: ignored ones (when no lifter was found), or a small lifter."""
    if not size_wh:
        return []
    if not lifter:
        small = sum(any(height_px(c, *size_wh) < cfg.min_person_px for c in cands) for cands in candidates)
        if not small:
            return []
        return [f"people were detected in {small} frame(s) but under {cfg.min_person_px:.0f} px tall, "
                f"{TOO_SMALL}; film closer or at a higher resolution"]
    tall = float(np.median([height_px(c, *size_wh) for c in lifter]))
    if tall >= cfg.small_person_px:
        return []
    return [f"the lifter is only {tall:.0f} px tall in the frame: angles are less accurate (knee error "
            f"about doubles below {cfg.small_person_px:.0f} px); film closer or at a higher resolution"]


def _span(t_s: np.ndarray) -> float:
    return float(t_s[-1] - t_s[0]) if len(t_s) else 0.0


def build_sequence(
    t_s: np.ndarray,
    candidates: Sequence[list[PoseCandidate]],
    width_px: int,
    height_px: int,
    cfg: TrackConfig,
    levels: int,
    source: str = "",
    layout: KeypointLayout = MEDIAPIPE_POSE,
    damaged: Sequence[DamagedSpan] = (),
) -> PoseSequence:
    """Assemble the lifter's PoseSequence from per-frame candidates in ``layout``; ``damaged``:
    the spans of the video that did not decode (io/video.py)."""
    n, p = len(candidates), layout.n
    picks, notes = select_lifter(np.asarray(t_s, dtype=np.float64), candidates, cfg, (width_px, height_px))
    xy = np.full((n, p, 2), np.nan, np.float32)
    z = np.full((n, p), np.nan, np.float32)
    vis = np.zeros((n, p), np.float32)
    world = np.full((n, p, 3), np.nan, np.float32)
    back = np.full((n, levels, 2), np.nan, np.float32)
    for f, p in enumerate(picks):
        if p is None:
            continue
        c = candidates[f][p]
        xy[f], z[f], vis[f], world[f] = c.xy_px, c.z_px, c.visibility, c.world_m
        if c.back_offset_px.shape == (levels, 2):
            back[f] = c.back_offset_px
    n_people = np.array([len(c) for c in candidates], dtype=np.int16)
    return PoseSequence(
        t_s=np.asarray(t_s, dtype=np.float64), xy_px=xy, z_px=z, visibility=vis, world_m=world,
        back_offset_px=back, n_people=n_people, width_px=width_px, height_px=height_px,
        source=source, notes=notes, layout=layout,
        damaged_s=np.array([(d.start_s, d.end_s) for d in damaged], dtype=np.float64).reshape(-1, 2),
        damaged_frames=np.array([d.frames for d in damaged], dtype=np.int32),
    )
