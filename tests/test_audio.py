"""The sound cues: tones, packaged speech, WAV I/O, the cue track and the player (no sound card:
the player is driven with fake player commands)."""

from __future__ import annotations

import os
import sys
import time
import wave
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from audio_helpers import note_amplitude, tone_onsets_s
from formcheck.audio import player as player_mod
from formcheck.audio.player import MAX_PLAYING, MUTED_MESSAGE, open_player
from formcheck.audio.sounds import (
    ENTER_NOTES_HZ,
    LEAVE_NOTES_HZ,
    NOTE_S,
    SAMPLE_RATE_HZ,
    SOUND_IDS,
    SPOKEN,
    TONES,
    clip_resource,
    duration_s,
    read_wav,
    sound,
    write_wav,
)
from formcheck.audio.track import CueTrack

R = SAMPLE_RATE_HZ
N_NOTE = round(NOTE_S * R)
ONSET_TOL_S = 0.02
QUANT = 1.0 / 32768  # one step of 16-bit PCM

# A stand-in for paplay: records the WAV it was given (a copy, and its path) into LOG, then takes
# as long as the sound to "play" it, like a real player. Fails, as an unplugged device would,
# once LOG/unplugged exists.
FAKE_PLAYER = """
import os, shutil, sys, time, wave
log, wav = sys.argv[1], sys.argv[2]
if os.path.exists(os.path.join(log, "unplugged")):
    sys.exit(1)
copy = os.path.join(log, f"{os.getpid()}.wav")
with open(copy + ".txt", "w") as f:
    f.write(wav)
shutil.copyfile(wav, copy + ".part")
os.replace(copy + ".part", copy)
with wave.open(wav) as w:
    time.sleep(w.getnframes() / w.getframerate())
"""


def peak_hz(x: np.ndarray, rate_hz: float) -> float:
    """The strongest frequency of ``x``, from a zero-padded FFT (~1 Hz bins)."""
    n_fft = 1 << 15
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x)), n_fft))
    return float(np.argmax(spectrum) * rate_hz / n_fft)


# --- tones ---------------------------------------------------------------------------------


@pytest.mark.parametrize("sound_id", sorted(TONES))
def test_tones_have_the_stated_notes(sound_id: str) -> None:
    x = sound(sound_id)
    assert x.dtype == np.float32 and x.ndim == 1
    assert len(x) == 2 * N_NOTE
    assert duration_s(sound_id) == pytest.approx(2 * NOTE_S)
    for k, f_hz in enumerate(TONES[sound_id]):
        note = x[k * N_NOTE : (k + 1) * N_NOTE]
        assert peak_hz(note, R) == pytest.approx(f_hz, abs=3.0)
        assert note_amplitude(note, R, f_hz, N_NOTE)[0] > 0.4
    assert np.max(np.abs(x)) <= 0.5 + 1e-6


def test_tone_frequencies_are_the_named_constants() -> None:
    assert TONES["zone_enter"] == ENTER_NOTES_HZ == (660.0, 990.0)
    assert TONES["zone_leave"] == LEAVE_NOTES_HZ == (880.0, 440.0)
    assert 0.07 <= NOTE_S <= 0.11


@pytest.mark.parametrize("sound_id", sorted(TONES))
def test_tones_fade_in_and_out(sound_id: str) -> None:
    """Silent at both ends and at the join between the notes: no clicks."""
    x = sound(sound_id)
    for i in (0, N_NOTE - 1, N_NOTE, len(x) - 1):
        assert abs(x[i]) < 0.01
    max_step = 0.5 * 2 * np.pi * max(TONES[sound_id]) / R  # the steepest the top note gets
    assert np.max(np.abs(np.diff(x))) <= 1.01 * max_step


def test_enter_and_leave_are_told_apart() -> None:
    enter, leave = sound("zone_enter"), sound("zone_leave")
    assert tone_onsets_s(enter, R, ENTER_NOTES_HZ, NOTE_S) == [0.0]
    assert tone_onsets_s(leave, R, LEAVE_NOTES_HZ, NOTE_S) == [0.0]
    assert tone_onsets_s(enter, R, LEAVE_NOTES_HZ, NOTE_S) == []
    assert tone_onsets_s(leave, R, ENTER_NOTES_HZ, NOTE_S) == []
    assert not set(ENTER_NOTES_HZ) & set(LEAVE_NOTES_HZ)


def test_a_chime_played_backwards_is_not_the_chime() -> None:
    assert tone_onsets_s(sound("zone_enter")[::-1].copy(), R, ENTER_NOTES_HZ, NOTE_S) == []


# --- speech --------------------------------------------------------------------------------


@pytest.mark.parametrize("sound_id", sorted(SPOKEN))
def test_spoken_cue_loads_from_its_packaged_clip(sound_id: str) -> None:
    assert clip_resource(sound_id).is_file()
    x = sound(sound_id)
    assert x.dtype == np.float32 and x.ndim == 1
    assert 0.3 <= duration_s(sound_id) <= 3.0
    assert np.sqrt(np.mean(x.astype(np.float64) ** 2)) > 0.03  # not silent
    assert 0.5 < np.max(np.abs(x)) <= 1.0
    assert sound(sound_id) is x  # cached
    assert not x.flags.writeable  # and shared, so read-only


@pytest.mark.parametrize("sound_id", sorted(SPOKEN))
def test_speech_is_not_mistaken_for_a_tone(sound_id: str) -> None:
    x = sound(sound_id)
    assert tone_onsets_s(x, R, ENTER_NOTES_HZ, NOTE_S) == []
    assert tone_onsets_s(x, R, LEAVE_NOTES_HZ, NOTE_S) == []


def test_sound_ids_and_phrases() -> None:
    want = ("zone_enter", "zone_leave", "ribs_down", "squat", "toes_in", "toes_out", "lost",
            "finish_tall", "flat_back", "hips_forward", *(f"break_{d}" for d in range(20, 90, 10)))
    assert want == SOUND_IDS
    assert SPOKEN["squat"] == "Soft knees. This is a squat"
    assert SPOKEN["lost"] == "Step back into view"


def test_unknown_sound_is_a_value_error_naming_the_known_ones() -> None:
    with pytest.raises(ValueError, match="zone_enter.*ribs_down"):
        sound("beep")
    with pytest.raises(ValueError, match="unknown sound id 'beep'"):
        duration_s("beep")
    with pytest.raises(ValueError):
        clip_resource("zone_enter")  # a tone, not a clip


# --- WAV I/O -------------------------------------------------------------------------------


def test_wav_round_trip(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, 4000).astype(np.float32)
    path = tmp_path / "x.wav"
    write_wav(path, x, 22050)
    with wave.open(str(path)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, 22050)
    y, rate_hz = read_wav(path)
    assert rate_hz == 22050 and y.dtype == np.float32 and len(y) == len(x)
    assert np.max(np.abs(y - x)) <= QUANT


def test_write_wav_clips_instead_of_wrapping(tmp_path: Path) -> None:
    path = tmp_path / "loud.wav"
    write_wav(path, np.array([2.0, -3.0, 0.5, np.nan]))
    y, _ = read_wav(path)
    assert np.allclose(y, [1.0, -1.0, 0.5, 0.0], atol=2 * QUANT)


def test_write_wav_rejects_more_than_one_channel(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="mono"):
        write_wav(tmp_path / "st.wav", np.zeros((10, 2)))


def test_read_wav_averages_stereo(tmp_path: Path) -> None:
    path = tmp_path / "stereo.wav"
    left = np.array([0.5, 0.5, -0.25])
    right = np.array([0.0, -0.5, -0.25])
    pcm = np.round(np.stack([left, right], axis=1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(pcm.tobytes())
    y, rate_hz = read_wav(path)
    assert rate_hz == 8000
    assert np.allclose(y, (left + right) / 2, atol=QUANT)


# --- cue track -----------------------------------------------------------------------------


def test_cue_track_puts_each_sound_at_its_time() -> None:
    track = CueTrack()
    cues = [
        (0.0, "zone_enter"),
        (0.25, "zone_leave"),  # tone_gap_s apart: the closest two tones come
        (0.9, "ribs_down"),
        (1.0, "zone_enter"),  # under the speech
        (3.0, "squat"),
        (3.7, "zone_leave"),  # under the speech
        (6.123, "zone_enter"),
        (6.303, "zone_enter"),  # back to back
        (7.5, "lost"),
    ]
    for t_s, sound_id in reversed(cues):
        track.add(t_s, sound_id)
    assert track.events == cues
    assert len(track) == len(cues)
    x = track.render()
    assert x.dtype == np.float32
    assert len(x) == round(7.5 * R) + len(sound("lost"))
    assert track.end_s() == pytest.approx(7.5 + duration_s("lost"), abs=1 / R)
    for notes_hz, sound_id in ((ENTER_NOTES_HZ, "zone_enter"), (LEAVE_NOTES_HZ, "zone_leave")):
        found = tone_onsets_s(x, R, notes_hz, NOTE_S)
        expected = [t for t, s in cues if s == sound_id]
        assert len(found) == len(expected), (sound_id, found)
        assert np.max(np.abs(np.subtract(found, expected))) <= ONSET_TOL_S


def test_cue_track_speech_lands_at_its_time() -> None:
    track = CueTrack()
    track.add(1.5, "toes_in")
    x = track.render()
    i0 = int(1.5 * R)
    assert not np.any(x[:i0])
    assert np.array_equal(x[i0:], sound("toes_in"))


def test_cue_track_length() -> None:
    track = CueTrack()
    assert len(track.render()) == 0
    assert len(track.render(duration_s=2.0)) == 2 * R
    track.add(0.5, "zone_enter")
    assert len(track.render()) == int(0.5 * R) + 2 * N_NOTE
    assert len(track.render(duration_s=10.0)) == 10 * R
    assert len(track.render(duration_s=0.1)) == int(0.5 * R) + 2 * N_NOTE  # never cuts a sound


def test_cue_track_rejects_bad_cues() -> None:
    track = CueTrack()
    with pytest.raises(ValueError, match="known"):
        track.add(1.0, "beep")
    for bad_t_s in (-0.1, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="t_s"):
            track.add(bad_t_s, "zone_enter")
    assert track.events == []


def test_overlapping_sounds_mix_without_overflow(tmp_path: Path) -> None:
    track = CueTrack()
    for sound_id in SOUND_IDS:
        track.add(0.2, sound_id)
        track.add(0.2, sound_id)
    x = track.render()
    assert np.all(np.isfinite(x)) and np.max(np.abs(x)) <= 1.0
    assert np.max(np.abs(x)) == 1.0  # this much sound at once does clip
    path = tmp_path / "cues.wav"
    track.write_wav(path, duration_s=5.0)
    y, rate_hz = read_wav(path)
    assert rate_hz == R and len(y) == 5 * R
    assert np.max(np.abs(y[: len(x)] - x)) <= QUANT  # clipped, not wrapped round by int16


def test_two_tones_mixed_are_summed() -> None:
    track = CueTrack()
    track.add(0.0, "zone_enter")
    track.add(0.0, "zone_leave")
    assert np.allclose(track.render(), sound("zone_enter") + sound("zone_leave"), atol=1e-6)


# --- player --------------------------------------------------------------------------------


@pytest.fixture
def fake_player(tmp_path: Path) -> tuple[list[str], Path]:
    """(argv prefix, log folder) of the recording stand-in for a player command."""
    script = tmp_path / "fake_player.py"
    script.write_text(FAKE_PLAYER)
    log = tmp_path / "log"
    log.mkdir()
    return [sys.executable, str(script), str(log)], log


def recorded(log: Path) -> list[tuple[np.ndarray, Path]]:
    """(samples, path it was given) of each file the fake player played, probe included."""
    out = []
    for copy in sorted(log.glob("*.wav")):
        out.append((read_wav(copy)[0], Path(Path(f"{copy}.txt").read_text())))
    return out


def wait_for(predicate: Callable[[], bool], timeout_s: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


def is_sound(samples: np.ndarray, sound_id: str) -> bool:
    ref = sound(sound_id)
    return len(samples) == len(ref) and np.max(np.abs(samples - ref)) <= QUANT


def test_muted_player_is_silent_and_says_so() -> None:
    with open_player(mute=True) as p:
        assert not p.available and p.backend is None
        assert p.message == MUTED_MESSAGE == "sound muted"
        p.play("zone_enter")
        assert p.take_message() == "sound muted"
        assert p.take_message() is None


def test_failing_player_command_means_no_sound_and_a_message() -> None:
    t0 = time.monotonic()
    p = open_player(candidates=[["false"]])
    assert time.monotonic() - t0 < 2.0
    assert not p.available
    assert p.message.startswith("no audio output found (false: ")
    assert p.message.endswith("carrying on without sound")
    assert "\n" not in p.message
    p.play("zone_enter")
    p.play("squat")
    assert p.take_message() == p.message
    assert p.take_message() is None
    p.close()
    p.close()


def test_player_error_output_becomes_the_reason(tmp_path: Path) -> None:
    script = tmp_path / "refused.py"
    script.write_text(
        "import sys\nsys.stderr.write('Connection failure: Connection refused\\n')\nsys.exit(1)\n"
    )
    p = open_player(candidates=[[sys.executable, str(script)], ["false"]])
    name = os.path.basename(sys.executable)
    assert p.message == (
        f"no audio output found ({name}: Connection failure: Connection refused; false: exit status 1)"
        ": carrying on without sound"
    )


def test_no_player_on_path() -> None:
    p = open_player(candidates=[["/nonexistent/paplay"], ["no-such-player-xyz", "-q"]])
    assert not p.available
    assert p.message == (
        "no audio output found (none of paplay, no-such-player-xyz on PATH): carrying on without sound"
    )
    p.play("lost")


def test_player_that_hangs_is_given_up() -> None:
    t0 = time.monotonic()
    p = open_player(candidates=[[sys.executable, "-c", "import time; time.sleep(30)"]], probe_timeout_s=0.5)
    assert time.monotonic() - t0 < 5.0
    assert not p.available
    assert "no answer within 0.5 s" in p.message


def test_first_working_candidate_is_used(fake_player: tuple[list[str], Path]) -> None:
    argv, _ = fake_player
    with open_player(candidates=[["false"], ["/nonexistent/x"], argv]) as p:
        assert p.available and p.message is None and p.take_message() is None
        assert p.backend == os.path.basename(sys.executable)


def test_play_hands_the_sound_to_the_player_without_waiting(fake_player: tuple[list[str], Path]) -> None:
    argv, log = fake_player
    p = open_player(candidates=[argv])
    assert p.available
    assert wait_for(lambda: len(recorded(log)) == 1)  # the probe's silence
    probe, _ = recorded(log)[0]
    assert not np.any(probe)
    t0 = time.monotonic()
    p.play("squat")
    elapsed_s = time.monotonic() - t0
    assert elapsed_s < 0.2 < duration_s("squat")
    assert wait_for(lambda: len(recorded(log)) == 2)
    played = [(x, path) for x, path in recorded(log) if len(x) != len(probe)]
    assert len(played) == 1 and is_sound(played[0][0], "squat")
    given = played[0][1]
    assert given.suffix == ".wav" and given.is_file()
    p.play("zone_leave")
    assert wait_for(lambda: len(recorded(log)) == 3)
    assert any(is_sound(x, "zone_leave") for x, _ in recorded(log))
    p.close()  # stops the fake still "playing" the squat cue
    assert not given.exists() and not given.parent.exists()  # temp files removed
    assert not p.available
    p.close()
    p.play("zone_enter")  # after close: nothing, no error
    assert p.take_message() is None


def test_concurrent_sounds_are_capped_by_dropping(fake_player: tuple[list[str], Path]) -> None:
    argv, log = fake_player
    with open_player(candidates=[argv]) as p:
        assert wait_for(lambda: len(recorded(log)) == 1)
        for _ in range(MAX_PLAYING + 3):
            p.play("squat")  # 2 s each: the first ones are still playing
        assert wait_for(lambda: len(recorded(log)) == 1 + MAX_PLAYING)
        time.sleep(0.5)
        assert len(recorded(log)) == 1 + MAX_PLAYING
        assert p.available


def test_player_failing_later_goes_silent_once(fake_player: tuple[list[str], Path]) -> None:
    argv, log = fake_player
    with open_player(candidates=[argv]) as p:
        assert p.available
        (log / "unplugged").touch()
        p.play("zone_enter")  # the child starts, then exits 1
        assert wait_for(lambda: p.take_message() is not None)
        assert not p.available
        name = os.path.basename(sys.executable)
        assert p.message == f"sound stopped ({name}: exit status 1): carrying on without sound"
        assert p.take_message() is None
        p.play("zone_enter")
        assert p.take_message() is None


def test_player_rejects_unknown_ids_in_every_state() -> None:
    for p in (open_player(mute=True), open_player(candidates=[["false"]])):
        with pytest.raises(ValueError, match="known"):
            p.play("beep")


def test_player_writes_every_sound_once_at_open(fake_player: tuple[list[str], Path]) -> None:
    argv, log = fake_player
    with open_player(candidates=[argv]) as p:
        assert wait_for(lambda: len(recorded(log)) == 1)
        folder = recorded(log)[0][1].parent
        assert sorted(f.stem for f in folder.glob("*.wav") if not f.stem.startswith("_")) == sorted(SOUND_IDS)
        for sound_id in SOUND_IDS:
            assert is_sound(read_wav(folder / f"{sound_id}.wav")[0], sound_id)
        assert p.available
    assert not folder.exists()


def test_default_candidates_cover_the_platforms() -> None:
    names = [argv[0] for argv in player_mod.DEFAULT_CANDIDATES]
    assert names == ["afplay", "paplay", "pw-play", "aplay"]
    assert ("aplay", "-q") in player_mod.DEFAULT_CANDIDATES


def test_player_without_a_writable_temp_folder_is_silent(
    fake_player: tuple[list[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_space(*args: object, **kwargs: object) -> str:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(player_mod.tempfile, "mkdtemp", no_space)
    p = open_player(candidates=[fake_player[0]])
    assert not p.available
    assert p.message.startswith("cannot write the sounds to a temporary folder")
    p.play("zone_enter")
