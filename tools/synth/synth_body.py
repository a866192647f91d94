"""Anny body model helpers for the synthetic renderer (dev tool, not a formcheck dependency).

Conventions (anny's default rig, pose_parameterization "local-ref"): Z up, the body faces -Y,
its left is +X. A bone's delta rotation is relative to its parent, expressed in world-aligned
axes, and rotates about the bone head. Hence the world rotation of a bone (relative to rest) is
the product of the deltas from the root down to that bone.
"""
from __future__ import annotations

import os

os.environ.setdefault("ANNY_CACHE_DIR", "/tmp/anny_cache")

import numpy as np
import torch

# Truth joint centres = bone heads.
JOINT_BONES = {
    "shoulder": "upperarm01",
    "hip": "upperleg01",
    "knee": "lowerleg01",
    "ankle": "foot",
    "ball": "toe3-1",
}
JOINT_NAMES = [f"{j}_{s}" for j in JOINT_BONES for s in ("L", "R")]  # + heel/toetip vertices

_MODEL = None


def load_model():
    global _MODEL
    if _MODEL is None:
        import anny

        _MODEL = anny.Anny()
    return _MODEL


def rx(deg):
    a = np.radians(deg)
    c, s = np.cos(a), np.sin(a)
    return np.array([[1, 0, 0], [0, c, -s], [0, s, c]])


def ry(deg):
    a = np.radians(deg)
    c, s = np.cos(a), np.sin(a)
    return np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])


def rz(deg):
    a = np.radians(deg)
    c, s = np.cos(a), np.sin(a)
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])


def align(u, v):
    """Rotation taking direction u onto direction v (shortest arc)."""
    u = u / np.linalg.norm(u)
    v = v / np.linalg.norm(v)
    ax = np.cross(u, v)
    s = np.linalg.norm(ax)
    c = float(np.dot(u, v))
    if s < 1e-9:
        return np.eye(3)
    k = ax / s
    K = np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
    return np.eye(3) + s * K + (1 - c) * K @ K


def phenotype_for_seed(seed: int) -> dict:
    """Seed 0 = anny's average body; other seeds draw a varied, plausible adult."""
    if seed == 0:
        return {k: 0.5 for k in ("gender", "age", "muscle", "weight", "height", "proportions")}
    rng = np.random.default_rng(seed)
    return {
        "gender": float(rng.uniform(0.0, 1.0)),
        "age": float(rng.uniform(0.45, 0.75)),  # adults
        "muscle": float(rng.uniform(0.3, 0.85)),
        "weight": float(rng.uniform(0.25, 0.75)),
        "height": float(rng.uniform(0.25, 0.85)),
        "proportions": float(rng.uniform(0.3, 0.7)),
    }


class Body:
    def __init__(self, seed: int = 0):
        self.m = load_model()
        self.labels = list(self.m.bone_labels)
        self.seed = seed
        self.phenotype = phenotype_for_seed(seed)
        self.faces = self.m.get_triangular_faces().numpy()
        with torch.no_grad():
            out = self.m(phenotype_kwargs=self.phenotype)
        self.rest_vertices = out["vertices"][0].numpy()
        self.rest_heads = out["bone_poses"][0, :, :3, 3].numpy()
        self._make_colours()
        self._find_foot_vertices()
        # Elbow straightening (in the rest frame): forearm onto the upper-arm direction, with a
        # little bend left so the arm looks relaxed.
        self.elbow_fix = {}
        self.arm_hang = {}
        for s, sign in (("L", 1), ("R", -1)):
            sh = self.h(f"upperarm01.{s}", rest=True)
            el = self.h(f"lowerarm01.{s}", rest=True)
            wr = self.h(f"wrist.{s}", rest=True)
            self.elbow_fix[s] = align(wr - el, el - sh)
            # Upper arm hanging straight down, slightly out from the body.
            target = np.array([0.12 * sign, -0.05, -1.0])
            self.arm_hang[s] = align(el - sh, target)

    def idx(self, bone):
        return self.labels.index(bone)

    def h(self, bone, rest=False):
        return self.rest_heads[self.idx(bone)]

    def _make_colours(self):
        L = self.labels
        w = self.m.vertex_bone_weights
        ix = self.m.vertex_bone_indices
        dom = ix[torch.arange(len(ix)), w.argmax(1)].numpy()
        names = np.array([L[i] for i in dom])
        v = self.rest_vertices
        hip_z = self.h("upperleg01.L")[2]
        knee_z = self.h("lowerleg01.L")[2]
        ankle_z = self.h("foot.L")[2]
        head_z = self.h("head")[2]
        top_z = v[:, 2].max()
        rng = np.random.default_rng(self.seed + 1000)
        skin_tones = [(224, 172, 140), (198, 134, 100), (141, 85, 56), (236, 192, 160), (170, 110, 75)]
        shirts = [(40, 70, 140), (150, 30, 40), (30, 110, 70), (200, 200, 205), (200, 120, 30)]
        shorts_c = [(25, 25, 30), (50, 50, 60), (20, 40, 80), (70, 70, 70)]
        skin = np.array(skin_tones[rng.integers(len(skin_tones))])
        shirt = np.array(shirts[rng.integers(len(shirts))])
        shorts = np.array(shorts_c[rng.integers(len(shorts_c))])
        hair = np.array([45, 30, 20])
        shoe = np.array([235, 235, 235])
        sole = np.array([60, 60, 60])
        col = np.tile(skin, (len(v), 1)).astype(float)

        def starts(prefixes):
            return np.array([any(n.startswith(p) for p in prefixes) for n in names])

        trunk = starts(["root", "pelvis", "spine", "upperleg01", "upperleg02", "clavicle", "shoulder01"])
        arm_upper = starts(["upperarm01", "shoulder01", "clavicle"])
        waist_z = hip_z + 0.06
        shirt_m = (trunk & (v[:, 2] > waist_z)) | arm_upper
        shorts_m = trunk & (v[:, 2] <= waist_z) & (v[:, 2] > hip_z + 0.45 * (knee_z - hip_z))
        shorts_m |= starts(["upperleg02"]) & (v[:, 2] > hip_z + 0.45 * (knee_z - hip_z))
        feet = starts(["foot", "toe"]) | (starts(["lowerleg02"]) & (v[:, 2] < ankle_z + 0.04))
        head = starts(["head", "neck03"])
        hair_m = starts(["head"]) & ((v[:, 2] > head_z + 0.6 * (top_z - head_z)) | ((v[:, 1] > self.h("head")[1] + 0.03) & (v[:, 2] > head_z - 0.02)))
        eyes = starts(["eye"])
        col[shirt_m] = shirt
        col[shorts_m] = shorts
        col[feet] = shoe
        col[feet & (v[:, 2] < v[:, 2].min() + 0.015)] = sole
        col[hair_m] = hair
        col[eyes] = (30, 30, 30)
        # Mild per-vertex shading noise so regions are not flat.
        col *= rng.uniform(0.95, 1.05, size=(len(v), 1))
        self.colours = np.clip(np.c_[col, np.full(len(v), 255)], 0, 255).astype(np.uint8)
        self.region_names = names

    def _find_foot_vertices(self):
        """Heel (rearmost-lowest) and toe-tip (frontmost) vertices of each foot in the rest pose."""
        v = self.rest_vertices
        names = self.region_names
        self.heel_v, self.toetip_v = {}, {}
        for s, sign in (("L", 1), ("R", -1)):
            m = np.array([n.startswith("foot") or n.startswith("toe") or n.startswith("lowerleg02") for n in names])
            m &= (v[:, 0] * sign > 0)
            ids = np.where(m)[0]
            low = ids[v[ids, 2] < v[:, 2].min() + 0.03]
            self.heel_v[s] = int(low[np.argmax(v[low, 1])])  # rearmost (+Y) low vertex
            toes = np.where(np.array([n.startswith("toe2") for n in names]) & (v[:, 0] * sign > 0))[0]
            self.toetip_v[s] = int(toes[np.argmin(v[toes, 1])])  # frontmost (-Y)

    def pose_batch(self, world_rots: dict, deltas: dict | None = None):
        """Skin a batch. world_rots: bone -> (n,3,3) desired *delta* rotations (local-ref).

        Returns vertices (n,V,3) and bone heads (n,B,3)."""
        n = len(next(iter(world_rots.values())))
        params = {}
        for bone, R in world_rots.items():
            T = torch.eye(4, dtype=self.m.dtype).repeat(n, 1, 1)
            T[:, :3, :3] = torch.as_tensor(np.asarray(R), dtype=self.m.dtype)
            params[bone] = T
        with torch.no_grad():
            out = self.m(pose_parameters=params, phenotype_kwargs=self.phenotype)
        return out["vertices"].numpy(), out["bone_poses"][:, :, :3, 3].numpy()
