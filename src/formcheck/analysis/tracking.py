"""Keep the lifter, not the bystander: link per-frame detections into tracks, pick the one doing
the exercise, and never splice two people into one track.

A detection joins a track only if it lies within ``max_jump_body`` torso lengths of where the
track was last seen; anything else starts a new track. The lifter is the track that is on screen
longest, moves its hips and knees most and is largest; tracks of the same person separated by a
detection dropout are chained only when they do not overlap in time and join up in space.
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
        cs = [_too_small if size_wh and height_px(c, *size_wh) < cfg.min_person_px else centre_scale(c)
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


def _track_score(tr: Track, t_s: np.ndarray, candidates: Sequence[list[PoseCandidate]]) -> float:
    pts = np.stack([candidates[f][p].xy_px for f, p in zip(tr.frames, tr.picks)])
    duration = float(t_s[tr.frames[-1]] - t_s[tr.frames[0]]) + 1e-3
    knee = flexion_deg(pts[:, sk.HIP[0]], pts[:, sk.KNEE[0]], pts[:, sk.ANKLE[0]])
    hip = flexion_deg(pts[:, sk.SHOULDER[0]], pts[:, sk.HIP[0]], pts[:, sk.KNEE[0]])
    motion = float(np.nan_to_num(np.nanstd(knee)) + np.nan_to_num(np.nanstd(hip)))
    height = float(np.nanmedian(np.nanmax(pts[:, :, 1], axis=1) - np.nanmin(pts[:, :, 1], axis=1)))
    return duration * (5.0 + motion) * max(height, 1.0)


def select_lifter(
    t_s: np.ndarray, candidates: Sequence[list[PoseCandidate]], cfg: TrackConfig,
    size_wh: tuple[int, int] | None = None,
) -> tuple[list[int | None], list[str]]:
    """For each frame, the index of the lifter's candidate (or None), plus notes for the report.
    Given the frame's ``size_wh``, people too small to pose are never picked (and said so)."""
    n = len(candidates)
    tracks = [
        tr for tr in link_tracks(t_s, candidates, cfg, size_wh)
        if t_s[tr.frames[-1]] - t_s[tr.frames[0]] >= min(cfg.min_track_s, _span(t_s) / 2)
    ]
    picks: list[int | None] = [None] * n
    if not tracks:
        return picks, _small_notes(candidates, cfg, size_wh, [])
    scores = [_track_score(tr, t_s, candidates) for tr in tracks]
    order = np.argsort(scores)[::-1]
    chosen = [tracks[order[0]]]
    taken = set(chosen[0].frames)
    # chain the lifter's other tracks (a dropout broke them) if they do not overlap and join up
    for k in order[1:]:
        tr = tracks[k]
        if taken.intersection(tr.frames) or not _joins(tr, chosen, candidates, cfg):
            continue
        chosen.append(tr)
        taken.update(tr.frames)
    for tr in chosen:
        for f, p in zip(tr.frames, tr.picks):
            picks[f] = p
    notes = []
    others = [tr for tr in tracks if not any(tr is c for c in chosen)]
    if others:
        other_s = sum(float(t_s[tr.frames[-1]] - t_s[tr.frames[0]]) for tr in others)
        notes.append(
            f"{len(others)} other person track(s) ({other_s:.1f} s in all) were ignored; "
            "the lifter was taken to be the person moving most"
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


def _joins(
    tr: Track, chosen: list[Track], cands: Sequence[list[PoseCandidate]], cfg: TrackConfig
) -> bool:
    """Does ``tr`` continue one of ``chosen`` across a dropout (ends meet within a torso length)?"""
    first = tr.frames[0]
    last = tr.frames[-1]
    start_c, start_s = centre_scale(cands[first][tr.picks[0]])
    end_c, _ = centre_scale(cands[last][tr.picks[-1]])
    for ch in chosen:
        # tr comes after ch
        if ch.frames[-1] < first:
            c, s = centre_scale(cands[ch.frames[-1]][ch.picks[-1]])
            if np.hypot(*(start_c - c)) / s <= 2 * cfg.max_jump_body:
                return True
        # tr comes before ch
        if last < ch.frames[0]:
            c, s = centre_scale(cands[ch.frames[0]][ch.picks[0]])
            if np.hypot(*(end_c - c)) / s <= 2 * cfg.max_jump_body:
                return True
    return False


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
