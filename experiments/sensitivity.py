"""Global sensitivity analysis of a sweep spec with SALib (Morris screening, Sobol indices).

The spec's ``[sample]`` names the parameters and their bounds (the declared
bounds when it gives only names) and ``n``; ``method`` chooses the SALib design,
which is run as an ordinary sweep (resumable, any executor) with the spec's
replications. Each outcome measure (``outcomes`` in the spec) is averaged over
a point's replications: a numeric reporter at the last week, or for an outcome
class such as ``thriving`` the share of replications that end in it (so
``p_thriving`` estimates P(thriving)). SALib then explains the variance of
these point means over the design, with bootstrap confidence intervals.

SALib's estimators see the design as drawn (before integer parameters are
rounded), so an elementary effect's step is the design's step. Morris
elementary effects are per unit of the *normalised* range (SALib's default), so
``mu_star`` of a measure is comparable across parameters whatever their units:
about the change in the measure when a parameter moves across its whole range.

A spec with ``[sample] dummy = true`` adds an input no run reads; its index is
what the replications' randomness alone gives, and ``above_noise`` says which
parameters' lower confidence bound clears it. :func:`summarise_screening`
gathers the indices of several situations (one spec each) into one ranking.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.spec import DUMMY, SampleMethod, SpecError, SweepSpec, measure_name
from experiments.sweep import RunStatus, SimulateFn, SweepSummary, run_sweep
from model import Outcome
from verkosto import i18n
from verkosto.i18n import N_, _

#: Coverage of the bootstrap confidence intervals.
CONF_LEVEL = 0.95
#: Bootstrap resamples for the confidence intervals.
NUM_RESAMPLES = 1000
#: Methods a sensitivity analysis can use.
METHODS = (SampleMethod.MORRIS, SampleMethod.SOBOL)
#: Index whose interval the figure shows, and the one it ranks parameters by, per method.
MAIN_INDEX = {SampleMethod.MORRIS: "mu_star", SampleMethod.SOBOL: "ST"}
#: File names of the results inside the output directory.
INDICES_CSV = "indices.csv"
INDICES_PARQUET = "indices.parquet"
FIGURE = "indices.png"
#: Columns of the indices table.
INDEX_COLUMNS = ("measure", "parameter", "index", "value", "conf", "ci_low", "ci_high",
                 "clipped", "conf_level", "rank", "above_noise")
#: Most parameters a figure shows (the highest ranked); the dummy is always shown.
MAX_SHOWN = 25
#: Range each index can take; SALib's symmetric intervals (value ± conf) are clipped to it.
INDEX_RANGE = {"mu": (-np.inf, np.inf), "mu_star": (0.0, np.inf), "sigma": (0.0, np.inf),
               "S1": (0.0, 1.0), "ST": (0.0, 1.0)}
#: What the table and the figure say about clipped intervals (English; show it with ``_()``).
CLIP_NOTE = N_("intervals are SALib's value ± conf clipped to the range the index can take "
               "(0 or more for mu* and sigma, 0 to 1 for S1 and ST); 'clipped' marks those cut")


class AnalysisError(RuntimeError):
    """The sweep's results cannot be analysed (e.g. design points without a successful run)."""


@dataclass(frozen=True)
class SensitivityResult:
    """A finished sensitivity analysis.

    Attributes:
        indices: Tidy indices table (see :data:`INDEX_COLUMNS`).
        sweep: Summary of the underlying sweep.
        table_paths: Where the indices table was written.
        figure_path: Where the figure was written.
    """

    indices: pd.DataFrame
    sweep: SweepSummary
    table_paths: tuple[Path, ...]
    figure_path: Path


def point_means(spec: SweepSpec, runs: pd.DataFrame) -> pd.DataFrame:
    """Each outcome measure averaged over the successful replications of each point.

    Returns:
        One row per point (index ``point``, all points of the design), one column
        per measure; ``NaN`` where a point has no successful run.
    """
    ok = runs[runs["status"] == RunStatus.OK.value]
    classes = {o.value for o in Outcome}
    columns = {}
    for outcome in spec.outcomes:
        values = ok["outcome"] == outcome if outcome in classes else ok[outcome]
        values = values.astype(float)
        columns[measure_name(outcome)] = values.groupby(ok["point"]).mean()
    n_points = len(spec.design_matrix())
    return pd.DataFrame(columns).reindex(pd.RangeIndex(n_points, name="point"))


def analyse(spec: SweepSpec, runs: pd.DataFrame, seed: int | None = None) -> pd.DataFrame:
    """SALib indices of every outcome measure, as a tidy table.

    Args:
        spec: The spec, with the method of the design that produced ``runs``.
        runs: The sweep's runs table.
        seed: Seed of the bootstrap (default: the spec's seed).

    Raises:
        AnalysisError: A design point has no successful run.
        SpecError: The spec's method is not Morris or Sobol.
    """
    sample = spec.sample
    if sample is None or sample.method not in METHODS:
        raise SpecError(_("{source}: sensitivity needs sample.method morris or sobol").format(
            source=spec.source))
    means = point_means(spec, runs)
    missing = means.index[means.isna().any(axis=1)]
    if len(missing):
        raise AnalysisError(i18n.ngettext(
            "{n} of {total} design points has no successful run (first: point {first}); "
            "indices need every point: see the error column of the runs table",
            "{n} of {total} design points have no successful run (first: point {first}); "
            "indices need every point: see the error column of the runs table",
            len(missing)).format(n=len(missing), total=len(means), first=missing[0]))
    problem = spec.sample.problem()
    design = spec.design_matrix()
    seed = spec.seed if seed is None else seed
    frames = []
    for measure in means.columns:
        y = means[measure].to_numpy()
        frames.append(_indices(sample.method, problem, design, y, seed, measure, sample.levels))
    table = pd.concat(frames, ignore_index=True)
    main = table[table["index"] == MAIN_INDEX[sample.method]]
    ranks = main.groupby("measure")["value"].rank(ascending=False, method="min")
    table["rank"] = pd.Series(ranks, index=main.index).reindex(table.index).astype("Int64")
    table["above_noise"] = _above_noise(table, main)
    return table[list(INDEX_COLUMNS)]


def _above_noise(table: pd.DataFrame, main: pd.DataFrame) -> pd.Series:
    """For the main index: whether the lower confidence bound exceeds the dummy's value.

    ``NA`` for the other indices, for the dummy itself and when there is no dummy.
    """
    out = pd.Series(pd.NA, index=table.index, dtype="boolean")
    floor = main[main["parameter"] == DUMMY].set_index("measure")["value"]
    if floor.empty:
        return out
    real = main[main["parameter"] != DUMMY]
    out.loc[real.index] = (real["ci_low"] > real["measure"].map(floor)).to_numpy()
    return out


def _indices(method: SampleMethod, problem: dict[str, Any], design: np.ndarray, y: np.ndarray,
             seed: int, measure: str, levels: int) -> pd.DataFrame:
    """One measure's indices: Morris mu, mu*, sigma or Sobol S1, ST, with intervals."""
    if method is SampleMethod.MORRIS:
        from SALib.analyze import morris

        result = morris.analyze(problem, design, y, num_resamples=NUM_RESAMPLES,
                                conf_level=CONF_LEVEL, num_levels=levels, seed=seed)
        indices = {"mu": None, "mu_star": "mu_star_conf", "sigma": None}
    else:
        from SALib.analyze import sobol

        result = sobol.analyze(problem, y, calc_second_order=False,
                               num_resamples=NUM_RESAMPLES, conf_level=CONF_LEVEL, seed=seed)
        indices = {"S1": "S1_conf", "ST": "ST_conf"}
    rows = []
    for i, name in enumerate(problem["names"]):
        for index, conf_key in indices.items():
            value = float(result[index][i])
            conf = float(result[conf_key][i]) if conf_key else float("nan")
            low, high = INDEX_RANGE[index]
            raw_low, raw_high = value - conf, value + conf
            ci_low, ci_high = float(np.clip(raw_low, low, high)), float(np.clip(raw_high, low, high))
            clipped = bool(np.isfinite(conf) and (ci_low != raw_low or ci_high != raw_high))
            rows.append({"measure": measure, "parameter": name, "index": index,
                         "value": value, "conf": conf, "ci_low": ci_low, "ci_high": ci_high,
                         "clipped": clipped, "conf_level": CONF_LEVEL})
    return pd.DataFrame(rows)


def ranking(indices: pd.DataFrame) -> pd.DataFrame:
    """The parameters of each measure ranked by the method's main index (mu* or ST).

    Returns:
        Columns ``measure``, ``rank``, ``parameter``, ``index``, ``value``,
        ``ci_low``, ``ci_high``, most important first within each measure.
    """
    main = indices[indices["index"].isin(set(MAIN_INDEX.values()))]
    return (main.sort_values(["measure", "rank", "parameter"], kind="stable")
            [["measure", "rank", "parameter", "index", "value", "ci_low", "ci_high"]]
            .reset_index(drop=True))


def ranking_text(indices: pd.DataFrame) -> str:
    """The ranking as lines for the terminal, in the current language (numbers too)."""
    number = i18n.numeral
    lines = []
    for measure, part in ranking(indices).groupby("measure", sort=False):
        lines.append(_("{measure}: parameters by {index} ({confidence} interval), most "
                       "important first").format(
            measure=measure, index=part["index"].iloc[0],
            confidence=i18n.current().percent(CONF_LEVEL)))
        for row in part.itertuples(index=False):
            interval = _("({low} to {high})").format(low=number(f"{row.ci_low:.3g}"),
                                                    high=number(f"{row.ci_high:.3g}"))
            lines.append(f"  {int(row.rank):>2}. {row.parameter:<32} "
                         f"{number(f'{row.value:8.3g}')} {interval}")
    return "\n".join(lines)


def plot_indices(indices: pd.DataFrame, method: SampleMethod, path: Path) -> None:
    """Bar chart of each measure's indices, ranked, with their (clipped) confidence intervals."""
    from matplotlib.figure import Figure

    from analysis.text import tick_formatter

    shown = ["mu_star"] if method is SampleMethod.MORRIS else ["S1", "ST"]
    labels = {"mu_star": "μ* (mean |elementary effect|)", "S1": "first order S1",
              "ST": "total order ST"}
    main = MAIN_INDEX[method]
    measures = list(dict.fromkeys(indices["measure"]))
    indices = _top_parameters(indices, MAIN_INDEX[method], MAX_SHOWN)
    n_params = indices["parameter"].nunique()
    fig = Figure(figsize=(4.8 * len(measures), 1.6 + 0.45 * n_params), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(measures)))
    width = 0.8 / len(shown)
    for ax, measure in zip(axes, measures, strict=True):
        part = indices[indices["measure"] == measure]
        # The printed ranking's order: most influential first, ties by name.
        order = part[part["index"] == main].sort_values(["value", "parameter"],
                                                        ascending=[False, True])
        params = list(order["parameter"])
        ypos = np.arange(len(params))
        for k, index in enumerate(shown):
            rows = part[part["index"] == index].set_index("parameter").loc[params]
            value = rows["value"].to_numpy(dtype=float)
            err = np.vstack([np.clip(value - rows["ci_low"].to_numpy(dtype=float), 0, None),
                             np.clip(rows["ci_high"].to_numpy(dtype=float) - value, 0, None)])
            ax.barh(ypos + (k - (len(shown) - 1) / 2) * width, value, height=width,
                    xerr=np.nan_to_num(err), capsize=3, label=labels[index])
        ax.set_yticks(ypos, [f"{int(r)}. {p}" for r, p in zip(order["rank"], params,
                                                                 strict=True)])
        ax.invert_yaxis()
        ax.axvline(0, color="black", linewidth=0.6)
        ax.set_xlim(left=0)
        if method is SampleMethod.SOBOL:
            ax.set_xlim(0, 1)
        ax.set_title(f"{measure}: ranked by {labels[main].split(' (')[0]}", fontsize="medium")
        ax.set_xlabel("index (whiskers: interval)")
        ax.grid(axis="x", alpha=0.3)
        ax.xaxis.set_major_formatter(tick_formatter())  # μ* of value created passes 1,000
    # One key below the panels: inside a panel it covered the bars of the least
    # influential parameters, drawn at its lower end.
    handles, names = axes[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="outside lower center", ncols=len(shown), fontsize="small")
    level = round(100 * CONF_LEVEL)
    fig.suptitle(f"{method.value.capitalize()} sensitivity indices ({level}% bootstrap "
                 "intervals, clipped to the index's range)"
                 f"{_shown_note(indices)}")
    fig.savefig(path, dpi=120, bbox_inches="tight")


def _top_parameters(indices: pd.DataFrame, index: str, most: int) -> pd.DataFrame:
    """The rows of the ``most`` parameters ranked highest on ``index`` for any measure,
    plus the dummy; all rows when there are no more parameters than that.
    """
    real = indices[indices["parameter"] != DUMMY]
    if real["parameter"].nunique() <= most:
        return indices
    main = real[real["index"] == index]
    best = main.groupby("parameter")["value"].max().sort_values(ascending=False)
    keep = set(best.index[:most]) | {DUMMY}
    out = indices[indices["parameter"].isin(keep)].copy()
    out.attrs["shown_of"] = real["parameter"].nunique()
    return out


def _shown_note(indices: pd.DataFrame) -> str:
    total = indices.attrs.get("shown_of")
    return f"\n(the {MAX_SHOWN} highest of {total} parameters)" if total else ""


def run_sensitivity(spec: SweepSpec, method: SampleMethod | str, out: str | Path, *,
                    workers: int | None = None, scheduler: str | None = None,
                    progress: bool | None = False,
                    simulate_fn: SimulateFn | None = None) -> SensitivityResult:
    """Run the SALib design of ``spec`` as a sweep in ``out`` and write its indices.

    Writes ``indices.csv``, ``indices.parquet`` and ``indices.png`` beside the
    sweep's ``runs``/``timeseries`` tables in ``out``.

    Raises:
        SpecError: The spec has no ``[sample]`` or its ``n`` does not suit the method.
        AnalysisError: Some design points have no successful run.
    """
    method = SampleMethod(method)
    if method not in METHODS:
        raise SpecError(_("--method {method}: expected morris or sobol").format(
            method=method.value))
    design_spec = spec.with_method(method)
    summary = run_sweep(design_spec, out, workers=workers, scheduler=scheduler,
                        progress=progress, simulate_fn=simulate_fn)
    from experiments.store import read_runs

    indices = analyse(design_spec, read_runs(out))
    out = Path(out)
    csv_path, parquet_path, figure_path = out / INDICES_CSV, out / INDICES_PARQUET, out / FIGURE
    indices.to_csv(csv_path, index=False)
    indices.to_parquet(parquet_path, index=False)
    plot_indices(indices, method, figure_path)
    return SensitivityResult(indices, summary, (csv_path, parquet_path), figure_path)


# ------------------------------------------------------------------ several situations
#: Columns of the screening summary (one row per situation, measure and parameter).
SUMMARY_COLUMNS = ("situation", "measure", "parameter", "mu_star", "mu_star_conf", "mu",
                   "sigma", "relative", "rank", "above_noise")
#: Columns of the overall ranking (one row per parameter).
RANKING_COLUMNS = ("parameter", "mean_relative", "best_rank", "top10", "above_noise")
#: Rank within a situation and measure that counts as "in the top ten".
TOP = 10


def summarise_screening(indices: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Morris indices of several situations side by side.

    Args:
        indices: Situation name to its Morris indices table (:func:`analyse`'s output).

    Returns:
        One row per situation, measure and parameter (the dummy included) with
        ``mu_star`` and its interval half-width, ``mu``, ``sigma``, ``relative``
        (``mu_star`` over the largest ``mu_star`` of the situation and measure, so
        that measures on different scales compare), the rank and ``above_noise``.

    Raises:
        AnalysisError: A table holds no Morris indices.
    """
    frames = []
    for situation, table in indices.items():
        if not (table["index"] == "mu_star").any():
            raise AnalysisError(_("{situation}: not a Morris indices table (no mu_star "
                                  "rows)").format(situation=situation))
        wide = table.pivot_table(index=["measure", "parameter"], columns="index",
                                 values="value", sort=False)
        main = table[table["index"] == "mu_star"].set_index(["measure", "parameter"])
        wide["mu_star_conf"] = main["conf"]
        wide["rank"] = main["rank"].astype("Int64")
        wide["above_noise"] = main["above_noise"].astype("boolean")
        wide = wide.reset_index()
        real = wide["parameter"] != DUMMY
        largest = wide[real].groupby("measure")["mu_star"].max().replace(0.0, np.nan)
        wide["relative"] = wide["mu_star"] / wide["measure"].map(largest)
        wide.insert(0, "situation", situation)
        frames.append(wide)
    return pd.concat(frames, ignore_index=True)[list(SUMMARY_COLUMNS)]


def overall_ranking(summary: pd.DataFrame) -> pd.DataFrame:
    """The parameters ranked over every situation and measure of a screening summary.

    Returns:
        One row per parameter (the dummy left out), sorted by ``mean_relative`` (mean of
        ``relative`` over situations and measures), with the best rank anywhere, in how
        many situation-measure pairs it is in the top :data:`TOP`, and in how many its
        ``mu_star`` clears the noise floor.
    """
    real = summary[summary["parameter"] != DUMMY]
    grouped = real.groupby("parameter", sort=False)
    out = pd.DataFrame({
        "mean_relative": grouped["relative"].mean(),
        "best_rank": grouped["rank"].min().astype("Int64"),
        "top10": grouped["rank"].apply(lambda r: int((r <= TOP).sum())),
        "above_noise": grouped["above_noise"].apply(lambda a: int(a.fillna(False).sum())),
    })
    out = out.sort_values(["mean_relative", "best_rank"], ascending=[False, True])
    return out.reset_index()[list(RANKING_COLUMNS)]


def plot_screening(summary: pd.DataFrame, path: Path, most: int = MAX_SHOWN) -> None:
    """Heat map of relative ``mu_star``: the ``most`` parameters of the overall ranking
    (rows) against every situation and measure (columns); cells whose ``mu_star`` does not
    clear the noise floor are hatched out.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ranking = overall_ranking(summary)
    params = list(ranking["parameter"][:most])
    real = summary[summary["parameter"].isin(params)]
    columns = list(dict.fromkeys(zip(real["situation"], real["measure"], strict=True)))
    keyed = real.set_index(["parameter", "situation", "measure"])
    grid = np.array([[keyed.loc[(p, s, m), "relative"] for s, m in columns] for p in params])
    noise = np.array([[not bool(keyed.loc[(p, s, m), "above_noise"]) for s, m in columns]
                      for p in params])
    fig, ax = plt.subplots(figsize=(2.0 + 0.55 * len(columns), 1.5 + 0.3 * len(params)))
    image = ax.imshow(grid, cmap="viridis", vmin=0.0, vmax=1.0, aspect="auto")
    for i, j in zip(*np.nonzero(noise), strict=True):
        ax.text(j, i, "·", ha="center", va="center", color="white", fontsize=9)
    ax.set_yticks(range(len(params)), params, fontsize=8)
    ax.set_xticks(range(len(columns)), [f"{s}\n{m}" for s, m in columns], rotation=60,
                  ha="right", fontsize=8)
    fig.colorbar(image, ax=ax, label="μ* / largest μ* of the situation and measure")
    ax.set_title(f"Morris screening of the assumptions: the {len(params)} highest overall\n"
                 "(· = not above the dummy's noise floor)", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
