"""What the heads' abbreviations stand for, spelled out in zone order for a report's key:
"SM semimembranosus, BFlh/BFsh biceps femoris long/short head, ST semitendinosus".

Built from the report's zones through formcheck.vocab, so a custom zone set gets a key that names
its own heads. Neighbours whose names differ in one word share the rest ("long/short head").
"""

from __future__ import annotations

from collections.abc import Iterable

from formcheck.vocab import Head


def spelled_out(heads: Iterable[Head], slash: str = "/") -> str:
    """Each head as "abbrev name", comma-separated; ``slash`` joins the parts of a shared entry."""
    return ", ".join(_entry(run, word_at, slash) for run, word_at in _runs(heads))


def _runs(heads: Iterable[Head]) -> list[tuple[list[Head], int | None]]:
    """Neighbouring heads grouped while their names differ in the same single word; each run with
    that word's position (None for a run of one)."""
    runs: list[tuple[list[Head], int | None]] = []
    for head in heads:
        if runs:
            run, word_at = runs[-1]
            differ_at = _one_word_apart(run[0], head)
            if differ_at is not None and word_at in (None, differ_at):
                runs[-1] = (run + [head], differ_at)
                continue
        runs.append(([head], None))
    return runs


def _one_word_apart(a: Head, b: Head) -> int | None:
    """Where the names of two abbreviated heads differ, when in exactly one word; else None."""
    if not (_abbreviated(a) and _abbreviated(b)):
        return None
    words_a, words_b = a.name.split(), b.name.split()
    if len(words_a) != len(words_b):
        return None
    differ = [i for i, (wa, wb) in enumerate(zip(words_a, words_b)) if wa != wb]
    return differ[0] if len(differ) == 1 else None


def _abbreviated(head: Head) -> bool:
    """A head whose abbreviation is not just its name (a custom head's words are both)."""
    return head.abbrev != head.name


def _entry(run: list[Head], word_at: int | None, slash: str) -> str:
    words = run[0].name.split()
    if word_at is not None:
        words[word_at] = slash.join(h.name.split()[word_at] for h in run)
    name = " ".join(words)
    if not _abbreviated(run[0]):
        return name
    return f"{slash.join(h.abbrev for h in run)} {name}"
