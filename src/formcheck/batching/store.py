"""The batch's results database: one SQLite file (sqlite-utils), written by the batch's one writer.

Tables (schema ``SCHEMA_VERSION``, recorded in ``meta``):

- ``sets``: one row per analysed set, keyed by its job key (batch/jobs.py): labels (path, lifter,
  date, notes), what it is (family, view, reps), the verdict, its JSON and page files, what the run
  cost (``seconds``, ``peak_rss_mb``, ``worker``, ``recorded_at``: the only columns that differ
  between two runs of the same job);
- ``reps``: one row per rep; ``zones``: seconds per head, leg and rep (rep 0: the set's reps
  together); ``faults``: one row per fault;
- ``errors``: one row per video that could not be analysed, with its exit code and message.

A set is recorded in one transaction, after its files are in place: a batch killed at any moment
leaves each set either fully recorded or not at all. A path holds one result: recording a new one
(the file, formcheck's version or the options changed) drops the old one and any error for it.
"""

from __future__ import annotations

import csv
import io
import json
import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlite_utils

from formcheck.batching.jobs import Job, options_json
from formcheck.batching.worker import JobResult
from formcheck.errors import FormcheckError
from formcheck.types import SIDES, SetFailure, SetSummary

SCHEMA_VERSION = 1
RESULT_TABLES = ("reps", "zones", "faults")  # rows hanging off a set, by set_key
TIMING_COLUMNS = ("seconds", "peak_rss_mb", "worker", "recorded_at")


class StoreError(FormcheckError):
    """The results database cannot be used (made by a newer formcheck, not a database, locked)."""

    exit_code = 1


@dataclass(frozen=True)
class Recorded:
    """What the database already holds for a job's key."""

    key: str
    path: str
    failed: bool


class Store:
    """The results database in a batch's output folder."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.db = sqlite_utils.Database(self.path)
            self._schema()
        except Exception as exc:
            if isinstance(exc, StoreError):
                raise
            raise StoreError(f"cannot use {self.path} as formcheck's results database: {exc}") from exc

    def close(self) -> None:
        self.db.close()

    # ------------------------------------------------------------------ schema

    def _schema(self) -> None:
        db = self.db
        if "meta" in db.table_names():
            found = db.execute("select value from meta where key = 'schema_version'").fetchone()
            version = int(found[0]) if found else 0
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path} was written by a newer formcheck (schema {version}, this one reads "
                    f"{SCHEMA_VERSION}): upgrade formcheck, or use another --out folder"
                )
            if version == SCHEMA_VERSION:
                return
        db.enable_wal()  # the dashboard or a coach's query can read while the batch writes
        with db.atomic():
            db["meta"].create({"key": str, "value": str}, pk="key", if_not_exists=True)
            db["sets"].create(_SETS, pk="key", not_null={"path", "name"}, if_not_exists=True)
            db["reps"].create(_REPS, pk=("set_key", "rep"), foreign_keys=[("set_key", "sets", "key")],
                              if_not_exists=True)
            db["zones"].create(_ZONES, pk=("set_key", "rep", "leg", "head"),
                               foreign_keys=[("set_key", "sets", "key")], if_not_exists=True)
            db["faults"].create(_FAULTS, pk=("set_key", "n"), foreign_keys=[("set_key", "sets", "key")],
                                if_not_exists=True)
            db["errors"].create(_ERRORS, pk="key", not_null={"path", "name"}, if_not_exists=True)
            db["sets"].create_index(["path"], if_not_exists=True)
            db["sets"].create_index(["lifter", "date"], if_not_exists=True)
            db["errors"].create_index(["path"], if_not_exists=True)
            db["meta"].upsert({"key": "schema_version", "value": str(SCHEMA_VERSION)}, pk="key")

    # ------------------------------------------------------------------ reading

    def recorded(self) -> dict[str, Recorded]:
        """Every key the database holds a result or an error for."""
        out = {r["key"]: Recorded(r["key"], r["path"], False) for r in self.db["sets"].rows_where(select="key, path")}
        for r in self.db["errors"].rows_where(select="key, path"):
            out.setdefault(r["key"], Recorded(r["key"], r["path"], True))
        return out

    def summaries(self) -> list[SetSummary]:
        """Every recorded set, as the dashboard draws it."""
        zones: dict[str, dict[str, list[tuple[str, float, float]]]] = {}
        for z in self.db["zones"].rows_where("rep = 0"):
            per_leg = zones.setdefault(z["set_key"], {}).setdefault(z["leg"], [])
            per_leg.append((z["head"], z["seconds"], z["measured_s"]))
        faults: dict[str, dict[str, int]] = {}
        for f in self.db["faults"].rows_where(select="set_key, kind"):
            per = faults.setdefault(f["set_key"], {})
            per[f["kind"]] = per.get(f["kind"], 0) + 1
        out = []
        for s in self.db["sets"].rows_where(order_by="lifter, date, name, key"):
            legs = [leg for leg in (s["verdict_legs"] or "").split(",") if leg] or list(SIDES)
            zone_s: dict[str, float] = {}
            measured = 0.0
            for leg in legs:
                rows = zones.get(s["key"], {}).get(leg, [])
                for head, seconds, _ in rows:
                    zone_s[head] = zone_s.get(head, 0.0) + (seconds or 0.0)
                measured += (rows[0][2] or 0.0) if rows else 0.0
            out.append(SetSummary(
                key=s["key"], name=s["name"], lifter=s["lifter"] or "", date=s["date"] or "", family=s["family"],
                n_reps=s["n_reps"] or 0, duration_s=_float(s["duration_s"]), zone_s=zone_s, measured_s=measured,
                faults=faults.get(s["key"], {}), toe_bias=s["toe_bias"] or "unknown", back=s["back"] or "not judged",
                verdict=s["verdict"] or "", page=s["page_file"] or "",
            ))
        return out

    def failures(self) -> list[SetFailure]:
        return [SetFailure(e["key"], e["name"], e["lifter"] or "", e["date"] or "", e["exit_code"], e["message"])
                for e in self.db["errors"].rows_where(order_by="lifter, date, name, key")]

    # ------------------------------------------------------------------ writing

    def record_set(
        self, job: Job, result: JobResult, report: dict[str, Any], json_file: str, page_file: str
    ) -> list[str]:
        """Record an analysed set and its rows in one transaction; drops an older result for the
        same path. Returns the files of the results it replaced (for the caller to delete)."""
        row = {**_labels(job), **_set_columns(report), "exit_code": result.exit_code, "message": result.message,
               "json_file": json_file, "page_file": page_file, **_timings(result)}
        with self.db.atomic():
            stale = self._drop_others(job)
            self.db["errors"].delete_where("path = ? or key = ?", [job.path, job.key])
            self._drop(job.key)
            self.db["sets"].insert(row)
            self.db["reps"].insert_all(_rep_rows(job.key, report))
            self.db["zones"].insert_all(_zone_rows(job.key, report))
            self.db["faults"].insert_all(_fault_rows(job.key, report))
        return stale

    def record_error(self, job: Job, result: JobResult) -> None:
        """Record a set that could not be analysed (replacing an older error for its path)."""
        row = {**_labels(job), "exit_code": result.exit_code, "error": result.error_kind, "message": result.message,
               **_timings(result)}
        with self.db.atomic():
            self.db["errors"].delete_where("path = ?", [job.path])
            self.db["errors"].insert(row, replace=True)

    def relabel(self, job: Job) -> None:
        """Update a recorded set's labels (lifter, date, notes) to the job's, without analysing again."""
        labels = {"lifter": job.lifter, "date": job.date, "date_from": job.date_from, "notes": job.notes}
        with self.db.atomic():
            for table in ("sets", "errors"):
                if self.db[table].count_where("key = ?", [job.key]):
                    self.db[table].update(job.key, labels)

    def _drop_others(self, job: Job) -> list[str]:
        """Drop results recorded for ``job.path`` under another key; their files."""
        old = [r for r in self.db["sets"].rows_where("path = ? and key != ?", [job.path, job.key])]
        for r in old:
            self._drop(r["key"])
        return [f for r in old for f in (r["json_file"], r["page_file"]) if f]

    def _drop(self, key: str) -> None:
        for table in RESULT_TABLES:
            self.db[table].delete_where("set_key = ?", [key])
        self.db["sets"].delete_where("key = ?", [key])

    # ------------------------------------------------------------------ a spreadsheet

    def to_csv(self) -> str:
        """One row per set (analysed or failed): labels, family, reps, each head's share of rep
        time, toe bias, low back, faults, verdict, and the page's file."""
        from formcheck.vocab import HEADS

        heads = list(HEADS)
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["lifter", "date", "set", "status", "family", "reps", "duration_s",
                    *[f"{h}_share" for h in heads], "toe_bias", "low_back", "faults", "verdict", "page", "path"])
        for s in self.summaries():
            row = self.db["sets"].get(s.key)
            fault_text = "; ".join(f"{k} x{n}" for k, n in sorted(s.faults.items()))
            status = "analysed" if not row["exit_code"] else f"partial (exit {row['exit_code']})"
            w.writerow([s.lifter, s.date, s.name, status, s.family or "", s.n_reps, _fmt(s.duration_s, 1),
                        *[_fmt(s.share(h), 3) for h in heads], s.toe_bias, s.back, fault_text, s.verdict, s.page,
                        row["path"]])
        for e in self.db["errors"].rows_where(order_by="lifter, date, name, key"):
            w.writerow([e["lifter"] or "", e["date"] or "", e["name"], f"failed (exit {e['exit_code']})", "", "", "",
                        *[""] * len(heads), "", "", "", e["message"], "", e["path"]])
        return out.getvalue()


# ---------------------------------------------------------------------- columns

_LABELS = {"key": str, "path": str, "name": str, "content_sha256": str, "formcheck_version": str, "options": str,
           "lifter": str, "date": str, "date_from": str, "notes": str}
_TIMINGS = {"seconds": float, "peak_rss_mb": float, "worker": str, "recorded_at": str}
_SETS = {**_LABELS, "family": str, "family_source": str, "view": str, "yaw_deg": float, "n_reps": int,
         "duration_s": float, "frames": int, "coverage": float, "verdict_legs": str, "toe_bias": str, "back": str,
         "n_faults": int, "verdict": str, "exit_code": int, "message": str, "json_file": str, "page_file": str,
         **_TIMINGS}
_REPS = {"set_key": str, "rep": int, "family": str, "start_s": float, "turn_s": float, "end_s": float,
         "eccentric_s": float, "concentric_s": float, "knee_max_left_deg": float, "knee_max_right_deg": float,
         "hip_max_left_deg": float, "hip_max_right_deg": float, "toe_bias": str, "back_state": str,
         "back_arch_deg": float, "back_lean_deg": float, "n_faults": int}
_ZONES = {"set_key": str, "rep": int, "leg": str, "head": str, "seconds": float, "share": float,
          "measured_s": float}
_FAULTS = {"set_key": str, "n": int, "rep": int, "kind": str, "start_s": float, "end_s": float,
           "value_deg": float, "message": str}
_ERRORS = {**_LABELS, "exit_code": int, "error": str, "message": str, **_TIMINGS}


def _labels(job: Job) -> dict[str, Any]:
    from formcheck.version import __version__

    return {"key": job.key, "path": job.path, "name": job.name, "content_sha256": job.content_sha256,
            "formcheck_version": __version__, "options": options_json(job), "lifter": job.lifter, "date": job.date,
            "date_from": job.date_from, "notes": job.notes}


def _timings(result: JobResult) -> dict[str, Any]:
    return {"seconds": round(result.seconds, 3), "peak_rss_mb": round(result.peak_rss_mb, 1), "worker": result.worker,
            "recorded_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}


def _set_columns(r: dict[str, Any]) -> dict[str, Any]:
    """A report's (formcheck.report JSON) set-level columns."""
    return {
        "family": r["exercise"]["family"], "family_source": r["exercise"]["source"], "view": r["view"]["view"],
        "yaw_deg": r["view"]["yaw_deg"], "n_reps": len(r["reps"]), "duration_s": r["video"]["duration_s"],
        "frames": r["video"]["frames"], "coverage": r["coverage"]["pose"], "verdict_legs": ",".join(r["verdict_legs"]),
        "toe_bias": r["toe_bias"], "back": back_state(r["back"]), "n_faults": len(r["faults"]),
        "verdict": r["verdict"],
    }


def back_state(back: dict[str, Any]) -> str:
    """The set's low back in one word: a flag's state when the reps flagged were all one way,
    "mixed" when both ways, "neutral" when every judged rep was, else "not judged"."""
    if not back.get("judged"):
        return "not judged"
    states = back.get("states", {})
    flagged = [s for s in ("extended", "flexed") if states.get(s)]
    if len(flagged) == 2:
        return "mixed"
    if flagged:
        return flagged[0]
    return "neutral" if states.get("neutral") else "not judged"


def _rep_rows(key: str, r: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for rep in r["reps"]:
        back = rep.get("back") or {}
        rows.append({
            "set_key": key, "rep": rep["rep"], "family": rep["family"], "start_s": rep["start_s"],
            "turn_s": rep["turn_s"], "end_s": rep["end_s"], "eccentric_s": rep["eccentric_s"],
            "concentric_s": rep["concentric_s"],
            **{f"knee_max_{side}_deg": rep["knee_max_deg"][side] for side in SIDES},
            **{f"hip_max_{side}_deg": rep["hip_max_deg"][side] for side in SIDES},
            "toe_bias": rep["toe_bias"], "back_state": back.get("state"), "back_arch_deg": back.get("arch_deg"),
            "back_lean_deg": back.get("lean_back_deg"), "n_faults": len(rep["faults"]),
        })
    return rows


def _zone_rows(key: str, r: dict[str, Any]) -> list[dict[str, Any]]:
    """Seconds per head per leg, for each rep and (rep 0) the set's reps together."""
    spans = [(0, r["zones"]["in_reps"])] + [(rep["rep"], rep["zones"]) for rep in r["reps"]]
    return [
        {"set_key": key, "rep": n, "leg": leg, "head": head, "seconds": seconds, "share": z["share"][head],
         "measured_s": z["measured_s"]}
        for n, legs in spans for leg, z in legs.items() for head, seconds in z["seconds"].items()
    ]


def _fault_rows(key: str, r: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"set_key": key, "n": n, "rep": f["rep"], "kind": f["kind"], "start_s": f["start_s"], "end_s": f["end_s"],
             "value_deg": f["value_deg"], "message": f["message"]} for n, f in enumerate(r["faults"], start=1)]


def _float(x: float | None) -> float:
    return float("nan") if x is None else float(x)


def _fmt(x: float, nd: int) -> str:
    return "" if not math.isfinite(x) else f"{x:.{nd}f}"


def report_dict(report_json: str) -> dict[str, Any]:
    """A worker's JSON report as the store reads it."""
    return json.loads(report_json)
