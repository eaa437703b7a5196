r"""Gather the sensitivity results of ``docs/ODD.md`` ("Sensitivity") into ``docs/sensitivity``.

Reads the output directories of ``verkosto sensitivity`` (Morris per situation,
Sobol per situation) and of the tipping-budget sweep, and writes the CSV
tables and the heat map the ODD section summarises::

    .venv/bin/python docs/sensitivity/collect.py \
        --morris default=out/screening_default tipping=out/screening_tipping \
                 shared=out/screening_shared \
        --sobol tipping=out/sobol_tipping --tipping out/tipping_budget

Writes ``morris_indices.csv`` (one row per situation, measure and parameter),
``morris_ranking.csv`` (one row per parameter over all of them),
``morris_noise_floor.csv`` (the dummy's and the inert assumptions' mu*, and which
assumptions clear both), ``morris_heatmap.png``, a bar chart per analysis (``morris_<situation>.png``,
``sobol_<situation>.png``), ``sobol_indices.csv``, ``tipping_budget.csv`` and
``runs.csv`` (runs and failures per analysis; wall times are in the ODD).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # run as a plain script from any directory
    sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from experiments.sensitivity import (  # noqa: E402
    INDICES_CSV,
    overall_ranking,
    plot_indices,
    plot_screening,
    summarise_screening,
)
from experiments.spec import DUMMY, SampleMethod  # noqa: E402

OUT = ROOT / "docs" / "sensitivity"
#: Assumptions that no mechanism reads in a led (or shared), permanent client-service network
#: without residents, anticipation dialogues or rotating meetings: goal recognition ends only
#: projects and client processes, activations happen only in smouldering networks, and so
#: on (docs/ODD.md 7.1-7.9). Their mu* is noise, a second floor beside the dummy.
INERT = ("goal_recognition", "activation_weeks", "smouldering_interval_factor",
         "client_process_intensity", "anticipation_structure", "anticipation_prep_hours",
         "rotating_knowledge_gain", "lead_bias", "distance_resident")
#: Inert only with a coordinator (it is the hosts' cost under shared governance).
INERT_WHEN_LED = ("shared_hours_per_org",)


def _pairs(items: list[str]) -> dict[str, Path]:
    out = {}
    for item in items:
        name, _, directory = item.partition("=")
        if not directory:
            raise SystemExit(f"expected NAME=DIR, got {item!r}")
        out[name] = Path(directory)
    return out


def _runs_row(kind: str, name: str, directory: Path) -> dict[str, object]:
    runs = pd.read_parquet(directory / "runs", columns=["status", "wall_time_s"])
    return {"analysis": kind, "situation": name, "runs": len(runs),
            "failed": int((runs["status"] != "ok").sum()),
            "cpu_s": round(float(runs["wall_time_s"].sum()), 1)}


def noise_floors(summary: pd.DataFrame, shared: set[str]) -> pd.DataFrame:
    """Per situation and measure: the dummy's mu*, the largest mu* of an inert assumption,
    and the assumptions whose mu* exceeds both (most first).

    Args:
        summary: The Morris screening summary.
        shared: Situations under shared governance (where ``shared_hours_per_org`` acts).
    """
    rows = []
    for (situation, measure), part in summary.groupby(["situation", "measure"], sort=False):
        inert = list(INERT) + ([] if situation in shared else list(INERT_WHEN_LED))
        part = part.set_index("parameter")["mu_star"]
        floor = max(part[DUMMY], part[inert].max())
        above = part[(part > floor) & ~part.index.isin([*inert, DUMMY])]
        rows.append({"situation": situation, "measure": measure, "dummy": part[DUMMY],
                     "inert_max": part[inert].max(), "inert_argmax": part[inert].idxmax(),
                     "n_above_both": len(above),
                     "above_both": " ".join(above.sort_values(ascending=False).index)})
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> int:
    """Write the tables and the figure; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--morris", nargs="+", default=[], metavar="NAME=DIR")
    parser.add_argument("--sobol", nargs="*", default=[], metavar="NAME=DIR")
    parser.add_argument("--tipping", type=Path, metavar="DIR")
    parser.add_argument("--shared", nargs="*", default=["shared"], metavar="NAME",
                        help="situations under shared governance (default: shared)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    rows = []
    morris = _pairs(args.morris)
    if morris:
        tables = {name: pd.read_csv(d / INDICES_CSV) for name, d in morris.items()}
        summary = summarise_screening(tables)
        summary.to_csv(args.out / "morris_indices.csv", index=False, float_format="%.5g")
        overall_ranking(summary).to_csv(args.out / "morris_ranking.csv", index=False,
                                        float_format="%.4g")
        plot_screening(summary, args.out / "morris_heatmap.png")
        noise_floors(summary, set(args.shared)).to_csv(args.out / "morris_noise_floor.csv",
                                                       index=False, float_format="%.4g")
        for name, table in tables.items():
            plot_indices(table, SampleMethod.MORRIS, args.out / f"morris_{name}.png")
        rows += [_runs_row("morris", name, d) for name, d in morris.items()]
    sobol = _pairs(args.sobol)
    if sobol:
        frames = [pd.read_csv(d / INDICES_CSV).assign(situation=name) for name, d in sobol.items()]
        for name, table in zip(sobol, frames, strict=True):
            plot_indices(table, SampleMethod.SOBOL, args.out / f"sobol_{name}.png")
        table = pd.concat(frames, ignore_index=True)
        table = table[["situation", *[c for c in table.columns if c != "situation"]]]
        table.to_csv(args.out / "sobol_indices.csv", index=False, float_format="%.5g")
        rows += [_runs_row("sobol", name, d) for name, d in sobol.items()]
    if args.tipping is not None:
        runs = pd.read_parquet(args.tipping / "runs")
        by = runs.groupby("coordination_budget_eur")
        table = pd.DataFrame({"runs": by.size(),
                              "p_thriving": by["outcome"].apply(lambda o: (o == "thriving").mean()),
                              "active_share": by["active_share"].mean(),
                              "network_trust": by["network_trust"].mean()}).reset_index()
        table.to_csv(args.out / "tipping_budget.csv", index=False, float_format="%.4g")
        rows.append(_runs_row("budget sweep", "default", args.tipping))
    if rows:
        pd.DataFrame(rows).to_csv(args.out / "runs.csv", index=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
