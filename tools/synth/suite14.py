"""The view suite (issue 14): every angle a phone films, held out by body.

    python tools/synth/suite14.py            # prints "NAME ARGS" lines for render_suite.sh

Ten bodies (seeds 21-30, never used before this suite), each rendered in six sets: soft-knee RDL,
squatting RDL, squat, Nordic, prone curl and a seated or standing curl. Each set gets the next
camera yaw from YAWS and pitch from PITCHES, so every body is seen from six different yaws and
every yaw by several bodies and exercises. Every fifth set is phone-sized (720x1280, or 1280x720
for the kneeling and lying sets); standing, prone and seated sets take turns with toes turned in
15 deg, neutral and out 20 deg. Deterministic: the same list every run.
"""

from __future__ import annotations

BODIES = tuple(range(21, 31))
YAWS = (0, 30, -45, 60, 90, 120, 180, -30, 45, -60, -90, -120, 150, -150)
PITCHES = (0, 10, 20, 25, 5, 15)
EXERCISES = (
    ("rdl_soft", "--exercise rdl --knees soft --reps 2", "portrait"),
    ("rdl_squat", "--exercise rdl --knees squat --reps 2", "portrait"),
    ("squat", "--exercise squat --reps 2", "portrait"),
    ("nordic", "--exercise nordic --reps 2", "landscape"),
    ("prone", "--exercise leg_curl_prone --reps 3", "landscape"),
    ("curl", None, "portrait"),  # seated on even bodies, standing on odd
)
TOES = (("neutral", ""), ("in", "--toes in --toe-deg 15"), ("out", "--toes out --toe-deg 20"))
HAS_TOES = {"rdl_soft", "squat", "prone", "curl"}


def suite() -> list[tuple[str, str]]:
    out = []
    k = 0
    for b, body in enumerate(BODIES):
        for e, (label, args, shape) in enumerate(EXERCISES):
            if args is None:
                kind = "leg_curl_seated" if body % 2 == 0 else "leg_curl_standing"
                label, args = kind.replace("leg_curl_", ""), f"--exercise {kind} --reps 3"
            yaw = YAWS[(b * 5 + e * 3) % len(YAWS)]
            pitch = PITCHES[(b + e * 2) % len(PITCHES)]
            phone = k % 5 == 4
            size = {"portrait": "720x1280" if phone else "360x640",
                    "landscape": "1280x720" if phone else "640x360"}[shape]
            toes, toe_args = TOES[(b + e) % 3] if label in HAS_TOES | {"seated", "standing"} else TOES[0]
            name = f"{label}_b{body}_y{yaw}_p{pitch}_{toes}" + ("_phone" if phone else "")
            out.append((name, f"{args} --body-seed {body} --yaw {yaw} --pitch {pitch} --size {size} {toe_args}".strip()))
            k += 1
    return out


if __name__ == "__main__":
    for name, args in suite():
        print(name, args)
