"""The back and Nordic suite (issue 15): arched hinges, lockout lean-backs, rounded backs and
neutral ones; Nordics with and without a pike, breaking early or late. Held out by body.

    python tools/synth/suite15.py            # prints "NAME ARGS" lines for render_suite.sh

Eight bodies (seeds 31-38, never used before this suite). Each does four soft-knee RDLs (neutral
back; arched 15 or 25 deg; leaning back 15 or 25 deg at lockout; rounded 15 or 30 deg, the sizes
alternating by body) and two Nordics (straight, and piked 25 or 40 deg), one breaking early (the
knee-to-head line at 30 deg: knee ~68) and one late (50 deg: knee ~48). Cameras from the side to
45 deg off it (yaw +-45..+-90), pitch 0-20; every eighth set phone-sized. Then (SIDE_EXTRA) each
body arches and rounds by the size it did not do above, from within 15 deg of side-on, so every
size of each fault is seen side-on too. Deterministic.
"""

from __future__ import annotations

BODIES = tuple(range(31, 39))
BACK_YAWS = (90, -60, 75, -45, -90, 60, -75, 45)
NORDIC_YAWS = (90, -75, 60, -45, -90, 75, -60, 45)
PITCHES = (0, 10, 20, 5, 15)
SIDE_YAWS = (90, -75, -90, 75)


def suite() -> list[tuple[str, str]]:
    out = []
    k = 0
    for b, body in enumerate(BODIES):
        big = b % 2 == 1
        backs = (
            ("neutral", "--back neutral"),
            (f"arched{25 if big else 15}", f"--back arched --lumbar-deg {25 if big else 15}"),
            (f"leanback{15 if big else 25}", f"--back leanback --lumbar-deg {15 if big else 25}"),
            (f"rounded{30 if big else 15}", f"--back rounded --lumbar-deg {30 if big else 15}"),
        )
        early, late = 30, 50
        pike = 40 if big else 25
        nordics = (
            (f"straight_break{early if big else late}", f"--break-lean {early if big else late}"),
            (f"pike{pike}_break{late if big else early}", f"--pike {pike} --break-lean {late if big else early}"),
        )
        for e, (label, args) in enumerate(backs):
            yaw = BACK_YAWS[(b + e * 3) % len(BACK_YAWS)]
            pitch = PITCHES[(b * 2 + e) % len(PITCHES)]
            size = "720x1280" if k % 8 == 7 else "360x640"
            name = f"rdl_{label}_b{body}_y{yaw}_p{pitch}" + ("_phone" if k % 8 == 7 else "")
            out.append((name, f"--exercise rdl --knees soft --reps 2 {args} --body-seed {body} --yaw {yaw} --pitch {pitch} --size {size}"))
            k += 1
        for e, (label, args) in enumerate(nordics):
            yaw = NORDIC_YAWS[(b + e * 4) % len(NORDIC_YAWS)]
            pitch = PITCHES[(b + e * 2) % len(PITCHES)]
            size = "1280x720" if k % 8 == 7 else "640x360"
            name = f"nordic_{label}_b{body}_y{yaw}_p{pitch}" + ("_phone" if k % 8 == 7 else "")
            out.append((name, f"--exercise nordic --reps 2 {args} --body-seed {body} --yaw {yaw} --pitch {pitch} --size {size}"))
            k += 1
    for b, body in enumerate(BODIES):  # SIDE_EXTRA
        big = b % 2 == 1
        for e, (label, args) in enumerate((
            (f"arched{15 if big else 25}", f"--back arched --lumbar-deg {15 if big else 25}"),
            (f"rounded{15 if big else 30}", f"--back rounded --lumbar-deg {15 if big else 30}"),
        )):
            yaw = SIDE_YAWS[(b + e) % len(SIDE_YAWS)]
            pitch = PITCHES[(b + 3 * e) % len(PITCHES)]
            out.append((f"rdl_{label}_b{body}_y{yaw}_p{pitch}",
                        f"--exercise rdl --knees soft --reps 2 {args} --body-seed {body} --yaw {yaw} --pitch {pitch} --size 360x640"))
    return out


if __name__ == "__main__":
    for name, args in suite():
        print(name, args)
