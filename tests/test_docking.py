"""Docking with the team-assembly model of Guimerà et al. (2005).

Rule tests of ``model.formation.assemble_teams`` (the network model's own
formation function, here one team at a time) and of the docking simulation on small seeded runs, then
the direction of the transition's shifts with q and m over replications, and
the ``verkosto dock team-assembly`` command.
"""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from experiments import docking
from experiments.docking import RunSettings, TeamAssembly
from model.formation import assemble_teams
from verkosto import cmd_dock
from verkosto.cli import COMMAND_MODULES, EXIT_INTERRUPTED, main

# Binomial proportions are checked to within this many standard errors.
Z_TOL = 4.5
# Newcomers of the rule tests get ids from here on, above every incumbent's id.
NEWCOMER_BASE = 1000


class _Lane:
    """One lane of ``assemble_teams``, built once and drawn from many times.

    ``incumbents`` are ids below NEWCOMER_BASE; ``newcomers`` newcomers get ids
    NEWCOMER_BASE, NEWCOMER_BASE + 1, ...; ``collaborators`` maps an id to the ids of its
    past collaborators (any ids of the lane, seated or not); other ids below NEWCOMER_BASE
    exist in the lane but are neither incumbents nor newcomers (absent).
    """

    def __init__(self, incumbents, collaborators=None, newcomers: int = 8):
        n = NEWCOMER_BASE + newcomers
        self.incumbent = np.zeros((1, n), dtype=bool)
        self.incumbent[0, list(incumbents)] = True
        self.newcomer = np.zeros((1, n), dtype=bool)
        self.newcomer[0, NEWCOMER_BASE:] = True
        self.ties = np.zeros((1, n, n), dtype=bool)
        for who, mates in (collaborators or {}).items():
            self.ties[0, who, list(mates)] = True

    def team(self, rng, m, p, q, founders=()) -> list[int]:
        lead = np.array([list(founders)]) if founders else None
        seats = assemble_teams(rng, m, p, q, self.incumbent, self.newcomer, self.ties,
                               founders=lead)[0]
        return seats[seats >= 0].tolist()


def _team(rng, m, p, q, incumbents, collaborators=None, newcomers=None):
    """One team from a lane built for it (``newcomers`` defaults to m)."""
    return _Lane(incumbents, collaborators, m if newcomers is None else newcomers).team(rng, m, p, q)


def _is_new(member: int) -> bool:
    return member >= NEWCOMER_BASE


def _close(observed: float, expected: float, n: int) -> bool:
    se = np.sqrt(max(expected * (1 - expected), 1e-4) / n)
    return abs(observed - expected) <= Z_TOL * se


# --- the formation rule -------------------------------------------------------------------


@pytest.mark.parametrize(("m", "p", "q"), [(2, 0.0, 0.0), (4, 0.5, 0.5), (6, 1.0, 1.0)])
def test_team_has_m_distinct_members(m, p, q):
    rng = np.random.default_rng(1)
    lane = _Lane(range(50), {i: [(i + 1) % 50, (i - 1) % 50] for i in range(50)}, newcomers=m)
    for _ in range(200):
        team = lane.team(rng, m, p, q)
        assert len(team) == m
        assert len(set(team)) == m


def test_incumbent_share_is_p():
    rng = np.random.default_rng(2)
    p, m, teams = 0.3, 4, 2000
    n_incumbent = 0
    lane = _Lane(range(200), newcomers=m)
    for _ in range(teams):
        team = lane.team(rng, m, p, 0.0)
        n_incumbent += sum(1 for t in team if not _is_new(t))
    assert _close(n_incumbent / (m * teams), p, m * teams)


def test_p_zero_and_one_are_pure():
    rng = np.random.default_rng(3)
    lane = _Lane(range(20), newcomers=5)
    for _ in range(100):
        assert all(_is_new(t) for t in lane.team(rng, 5, 0.0, 0.5))
        assert not any(_is_new(t) for t in lane.team(rng, 5, 1.0, 0.5))


def test_newcomers_take_the_seats_when_incumbents_run_out():
    rng = np.random.default_rng(4)
    team = _team(rng, 5, 1.0, 0.0, [7, 8])
    assert sorted(t for t in team if not _is_new(t)) == [7, 8]
    assert len(team) == 5 and sum(map(_is_new, team)) == 3


def test_incumbents_take_the_seats_when_newcomers_run_out():
    rng = np.random.default_rng(5)
    team = _team(rng, 4, 0.0, 0.0, [1, 2, 3], newcomers=1)
    assert sorted(team) == [1, 2, 3, NEWCOMER_BASE]
    team = _team(rng, 4, 0.0, 0.0, [1], newcomers=1)
    assert sorted(team) == [1, NEWCOMER_BASE]  # both exhausted: a shorter team


def _partner_rate(q: float, teams: int, seed: int) -> float:
    """Incumbents in pairs (2k, 2k+1); m = 2, p = 1: the second seat is the first's partner
    with probability q + (1 - q) / 999."""
    rng = np.random.default_rng(seed)
    lane = _Lane(range(1000), {i: [i ^ 1] for i in range(1000)})
    hits = 0
    for _ in range(teams):
        a, b = lane.team(rng, 2, 1.0, q)
        hits += b == a ^ 1
    return hits / teams


@pytest.mark.parametrize("q", [0.0, 0.35, 0.8, 1.0])
def test_previous_collaborator_is_chosen_with_probability_q(q):
    teams = 3000
    expected = q + (1 - q) / 999
    assert _close(_partner_rate(q, teams, seed=6), expected, teams)


def test_q_applies_only_when_a_collaborator_is_free():
    rng = np.random.default_rng(7)
    lane = _Lane(range(10), {i: [0] for i in range(10)})  # everyone's only collaborator is 0
    for _ in range(200):
        team = lane.team(rng, 3, 1.0, 1.0)
        assert len(set(team)) == 3 and not any(map(_is_new, team))
        if team[0] != 0:
            assert team[1] == 0  # the free collaborator is taken first


def test_collaborators_are_drawn_uniformly():
    rng = np.random.default_rng(8)
    lane = _Lane(range(100), {i: [5, 7] for i in range(100)})
    sevens = n = 0
    for _ in range(2000):
        team = lane.team(rng, 2, 1.0, 1.0)
        if team[0] not in (5, 7):
            n += 1
            sevens += team[1] == 7
            assert team[1] in (5, 7)
    assert _close(sevens / n, 0.5, n)


def test_unavailable_collaborators_are_never_drawn():
    """A collaborator who is not an available incumbent (a newcomer still to be seated, or
    someone absent) must not take an incumbent seat, or a member could sit twice."""
    rng = np.random.default_rng(9)
    # 99 is absent: in the lane, but neither an incumbent nor a newcomer.
    lane = _Lane(range(1, 30), {i: [NEWCOMER_BASE, 99] for i in range(1, 30)})
    for _ in range(300):
        team = lane.team(rng, 4, 0.7, 1.0)
        assert len(set(team)) == len(team) == 4
        assert 99 not in team
        assert all(1 <= t < 30 for t in team if not _is_new(t))


def test_founders_count_toward_m_and_their_collaborators_are_preferred():
    rng = np.random.default_rng(10)
    # Pairs (2k, 2k + 1); the founder, 10, is not among the free incumbents 11..99.
    lane = _Lane(range(11, 100), {i: [i ^ 1] for i in range(100)})
    for _ in range(50):
        assert lane.team(rng, 2, 1.0, 1.0, founders=[10]) == [10, 11]
        team = lane.team(rng, 3, 0.0, 1.0, founders=[10])
        assert team[0] == 10 and len(team) == 3 and all(map(_is_new, team[1:]))


def test_formation_is_reproducible():
    lane = _Lane(range(30), {i: range(5) for i in range(30)})

    def draw(seed):
        rng = np.random.default_rng(seed)
        return [lane.team(rng, 4, 0.5, 0.5) for _ in range(20)]

    assert draw(11) == draw(11)
    assert draw(11) != draw(12)


# --- the docking simulation ---------------------------------------------------------------


def _run(model: TeamAssembly, steps: int):
    for _ in range(steps):
        yield model.step()


def test_simulation_forms_full_linked_teams():
    model = TeamAssembly(4, 0.6, 0.5, 15, np.random.default_rng(21))
    for team in _run(model, 400):
        assert len(team) == 4 and len(set(team)) == 4
        for a, b in itertools.combinations(team, 2):
            assert b in model.adjacency[a] and a in model.adjacency[b]
        assert model.last_team == team
        assert all(model.last_active[a] == model.time - 1 for a in team)


def test_simulation_newcomer_share_is_one_minus_p():
    p = 0.4
    model = TeamAssembly(4, p, 0.3, 20, np.random.default_rng(22))
    for _ in _run(model, 2500):
        pass
    assert model.seats == 4 * 2500
    assert model.newcomer_seats + model.incumbent_seats == model.seats
    assert _close(model.newcomer_seats / model.seats, 1 - p, model.seats)


def test_agents_idle_for_more_than_tau_steps_leave_with_their_links():
    tau, m = 7, 3
    # p = 0: every team is new, so exactly the teams of the last tau + 1 steps remain.
    model = TeamAssembly(m, 0.0, 0.0, tau, np.random.default_rng(23))
    for _ in _run(model, 40):
        assert model.n_agents == m * min(model.time, tau + 1)
    # Any p: nobody idle for more than tau steps remains, and no link points to a leaver.
    model = TeamAssembly(3, 0.5, 0.5, tau, np.random.default_rng(24))
    longest_idle = 0
    for _ in _run(model, 600):
        now = model.time - 1
        idle = [now - t for t in model.last_active.values()]
        assert max(idle) <= tau
        longest_idle = max(longest_idle, max(idle))
        assert set(model.last_active) == set(model.adjacency)
        for agent, neighbours in model.adjacency.items():
            assert agent not in neighbours and neighbours <= model.adjacency.keys()
    assert longest_idle == tau  # idle for exactly tau steps is still allowed


def test_q_makes_incumbents_repeat_collaborations():
    shares = []
    for q in (0.0, 1.0):
        model = TeamAssembly(4, 0.7, q, 20, np.random.default_rng(25))
        for _ in _run(model, 1500):
            pass
        shares.append(model.repeat_seats / model.incumbent_seats)
    # q = 0: a random incumbent is rarely a collaborator; q = 1: almost always (the first
    # incumbent of a team has nobody on the team to have collaborated with).
    assert shares[0] < 0.25 and shares[1] > 0.6


def test_giant_share_matches_networkx():
    for p in (0.1, 0.3, 0.9):
        model = TeamAssembly(4, p, 0.2, 20, np.random.default_rng(26))
        for _ in _run(model, 500):
            pass
        graph = nx.Graph()
        graph.add_nodes_from(model.adjacency)
        graph.add_edges_from((a, b) for a, nbrs in model.adjacency.items() for b in nbrs)
        largest = max(len(c) for c in nx.connected_components(graph))
        assert model.giant_share() == pytest.approx(largest / graph.number_of_nodes())


def test_runs_are_reproducible():
    settings = RunSettings(300, 100, 5)
    a = docking.simulate_s(4, 0.3, 0.5, 10, np.random.SeedSequence(5), settings)
    b = docking.simulate_s(4, 0.3, 0.5, 10, np.random.SeedSequence(5), settings)
    c = docking.simulate_s(4, 0.3, 0.5, 10, np.random.SeedSequence(6), settings)
    assert a == b and a != c


def test_bad_parameters_are_rejected():
    rng = np.random.default_rng(0)
    bad = [(1, 0.5, 0.5, 10), (4, 1.5, 0.5, 10), (4, 0.5, -0.1, 10), (4, 0.5, 0.5, 0)]
    for m, p, q, tau in bad:
        with pytest.raises(ValueError):
            TeamAssembly(m, p, q, tau, rng)
    with pytest.raises(ValueError):
        RunSettings(100, 100, 5)


def test_sweep_table_and_seeding():
    settings = RunSettings(200, 50, 5)
    frame = docking.team_assembly_sweep(
        [3], [0.0, 1.0], [0.2, 0.6], tau=8, replications=3, master_seed=4, settings=settings
    )
    assert list(frame.columns) == list(docking.RESULT_COLUMNS)
    assert len(frame) == 2 * 2 * 3
    assert frame["S"].between(0, 1).all()
    # A condition's value depends on its replication's seed only, not on the grid.
    alone = docking.team_assembly_sweep(
        [3], [1.0], [0.6], tau=8, replications=3, master_seed=4, settings=settings
    )
    both = frame[(frame.q == 1.0) & (frame.p == 0.6)].reset_index(drop=True)
    pd.testing.assert_frame_equal(alone, both)
    seeds = docking.replication_seeds(4, 3)
    expected = docking.simulate_s(3, 0.6, 1.0, 8, seeds[2], settings)
    assert both.loc[2, "S"] == expected


def test_sweep_is_the_same_in_parallel():
    settings = RunSettings(150, 50, 5)
    kwargs = {"tau": 6, "replications": 2, "master_seed": 9, "settings": settings}
    serial = docking.team_assembly_sweep([3, 4], [0.5], [0.3, 0.7], **kwargs)
    done: list[int] = []
    parallel = docking.team_assembly_sweep([3, 4], [0.5], [0.3, 0.7], jobs=2,
                                           progress=done.append, **kwargs)
    pd.testing.assert_frame_equal(serial, parallel)
    assert sum(done) == 2 * 2  # one call per (m, q, replication) task


# --- transition estimates -----------------------------------------------------------------


def test_crossing_points_interpolate():
    ps = [0.0, 0.25, 0.5, 0.75, 1.0]
    curves = np.array([
        [0.0, 0.2, 0.4, 0.8, 1.0],  # crosses 0.5 a quarter of the way from 0.5 to 0.75
        [0.6, 0.7, 0.8, 0.9, 1.0],  # starts above
        [0.0, 0.1, 0.1, 0.2, 0.3],  # never reaches
    ])
    got = docking.crossing_points(ps, curves, 0.5)
    assert got[0] == pytest.approx(0.5625)
    assert got[1] == 0.0
    assert np.isnan(got[2])


def test_estimate_transitions_recovers_known_shifts():
    ps = np.round(np.linspace(0, 1, 21), 2)
    rng = np.random.default_rng(0)
    rows = []
    for (m, q), centre in {(3, 0.0): 0.4, (3, 1.0): 0.6, (6, 0.0): 0.2, (6, 1.0): 0.4}.items():
        for r in range(8):
            noise = rng.normal(0, 0.01, ps.size)
            s = np.clip(1 / (1 + np.exp(-(ps - centre) / 0.05)) + noise, 0, 1)
            rows += [(m, q, 10, p, r, v) for p, v in zip(ps, s, strict=True)]
    frame = pd.DataFrame(rows, columns=list(docking.RESULT_COLUMNS))
    est = docking.estimate_transitions(frame, n_boot=300).set_index(["m", "q"])
    assert est.loc[(3, 0.0), "p_star"] == pytest.approx(0.4, abs=0.01)
    assert est.loc[(3, 0.0), "p_lo"] <= est.loc[(3, 0.0), "p_star"] <= est.loc[(3, 0.0), "p_hi"]
    assert est.loc[(3, 1.0), "shift_q"] == pytest.approx(0.2, abs=0.02)
    assert est.loc[(6, 0.0), "shift_m"] == pytest.approx(-0.2, abs=0.02)
    assert est.loc[(3, 0.0), "shift_q"] == 0.0
    # A reference row's shift is 0 by definition: no interval, which "[0, 0]" would
    # misstate as a measured zero; each row names what its shifts are from.
    assert est.loc[(3, 0.0), ["shift_q_lo", "shift_q_hi", "shift_m_lo", "shift_m_hi"]].isna().all()
    assert est.loc[(6, 0.0), ["shift_q_lo", "shift_q_hi"]].isna().all()
    assert est.loc[(6, 0.0), ["shift_m_lo", "shift_m_hi"]].notna().all()
    assert est.loc[(6, 1.0), ["shift_q_lo", "shift_m_lo"]].notna().all()
    assert (est["shift_q_from"] == 0.0).all() and (est["shift_m_from"] == 3).all()
    lines = cmd_dock.transitions_text(est.reset_index()).splitlines()[1:]
    assert lines[0].endswith("; reference for the shifts in q and m"), lines
    assert lines[1].endswith("; reference for the shifts in m"), lines
    assert lines[2].endswith("; reference for the shifts in q"), lines
    assert "reference" not in lines[3], lines
    # A shift carries its sign, on its interval's ends too: the published finding is a
    # direction (higher q moves p* up, larger teams move it down).
    assert "shift from q=0: +0.2" in lines[1] and "shift from m=3: -0.2" in lines[2], lines
    assert re.search(r"shift from m=3: -0\.\d+ \[-0\.\d+, -0\.\d+\]", lines[2]), lines
    with pytest.raises(ValueError):
        docking.estimate_transitions(frame[~((frame.m == 6) & (frame.replication == 0))])


# --- the published finding: direction of the transition's shifts -------------------------

SHIFT_SETTINGS = RunSettings(1000, 500, 5)
SHIFT_P = [0.05, 0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85, 0.95]


def _transitions(ms: list[int], qs: list[float]) -> pd.DataFrame:
    frame = docking.team_assembly_sweep(
        ms, qs, SHIFT_P, tau=20, replications=4, master_seed=2005, settings=SHIFT_SETTINGS
    )
    return docking.estimate_transitions(frame, n_boot=500).set_index(["m", "q"])


def test_s_rises_from_near_zero_to_near_one():
    frame = docking.team_assembly_sweep(
        [4], [0.0], [0.0, 0.95], tau=20, replications=2, settings=SHIFT_SETTINGS
    )
    mean = frame.groupby("p")["S"].mean()
    assert mean[0.0] < 0.1 and mean[0.95] > 0.95


# The two sweeps run in separate xdist groups, i.e. on separate workers when there are two.
@pytest.mark.xdist_group("docking_shift_q")
def test_transition_moves_to_higher_p_as_q_grows():
    est = _transitions([4], [0.0, 0.5, 1.0])
    half, full = est.loc[(4, 0.5)], est.loc[(4, 1.0)]
    assert half["shift_q_lo"] > 0  # the whole intervals of the shifts are above zero
    assert full["shift_q_lo"] > 0.1
    assert full["p_star"] > half["p_star"]


@pytest.mark.xdist_group("docking_shift_m")
def test_transition_moves_to_lower_p_as_m_grows():
    est = _transitions([3, 4, 6], [0.0])
    p3, p4, p6 = (est.loc[(m, 0.0), "p_star"] for m in (3, 4, 6))
    assert p3 > p4 > p6
    assert est.loc[(4, 0.0), "shift_m_hi"] < 0  # the whole intervals are below zero
    assert est.loc[(6, 0.0), "shift_m_hi"] < -0.1


# --- the command --------------------------------------------------------------------------


def _cli(argv: list[str]) -> int:
    try:
        return main(argv)
    except SystemExit as exc:  # argparse's usage errors
        return exc.code


def test_command_writes_table_and_figure(tmp_path, capsys):
    out = tmp_path / "dock"
    argv = ["dock", "team-assembly", "--m", "3", "--q", "0,1", "--p", "0.2,0.8", "--tau", "5",
            "--replications", "2", "--steps", "150", "--burn-in", "50", "--jobs", "1",
            "--out", str(out)]
    assert _cli(argv) == 0
    frame = pd.read_csv(out / "team_assembly.csv")
    assert list(frame.columns) == ["m", "q", "tau", "p", "replication", "S"]
    assert len(frame) == 2 * 2 * 2 and (frame["tau"] == 5).all()
    assert (out / "team_assembly.png").stat().st_size > 0
    assert (out / "team_assembly_transitions.csv").exists()
    printed = capsys.readouterr().out
    assert "0.2" in printed and "0.8" in printed and "p*" in printed


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--q", "1.5"], "--q"),
        (["--m", "1"], "--m"),
        (["--p", "0.1,abc"], "--p"),
        (["--p", "0.1,0.1"], "repeats"),
        (["--tau", "0"], "--tau"),
        (["--replications", "0"], "--replications"),
        (["--steps", "100", "--burn-in", "100"], "--burn-in"),
        (["--jobs", "x"], "--jobs"),
        # 64 GiB for the collaboration matrix: a MemoryError traceback before.
        (["--tau", "100000000"], "lower --m or --tau"),
        (["--m", "5000"], "lower --m or --tau"),
    ],
)
def test_bad_arguments_exit_2_with_one_message(args, needle, capsys, tmp_path):
    assert _cli(["dock", "team-assembly", *args, "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert needle in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "o").exists()


def test_output_path_that_is_a_file_is_bad_input(capsys, tmp_path):
    target = tmp_path / "file"
    target.write_text("x")
    assert _cli(["dock", "team-assembly", "--out", str(target)]) == 2
    err = capsys.readouterr().err
    assert "--out" in err and len(err.strip().splitlines()) == 1


TINY_DOCK = ["dock", "team-assembly", "--p", "0.5", "--replications", "1", "--steps", "5",
             "--burn-in", "1", "--jobs", "1"]


def test_an_output_file_that_is_a_directory_is_refused_before_running(capsys, tmp_path,
                                                                     monkeypatch):
    (tmp_path / "o" / "team_assembly.csv").mkdir(parents=True)
    monkeypatch.setattr(docking, "team_assembly_sweep",
                        lambda *a, **k: pytest.fail("ran before refusing"))
    assert _cli([*TINY_DOCK, "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("verkosto: error:") and len(err.strip().splitlines()) == 1
    assert "team_assembly.csv' is a directory" in err


def test_an_output_directory_holding_other_files_is_refused_before_running(capsys, tmp_path,
                                                                          monkeypatch):
    """--out into a folder of the user's own files wrote the results among them; it is
    refused as run, budget and compare refuse it, and the folder is left as it was."""
    out = tmp_path / "o"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    (out / "team_assembly.csv").write_text("an earlier dock's table")
    monkeypatch.setattr(docking, "team_assembly_sweep",
                        lambda *a, **k: pytest.fail("ran before refusing"))
    assert _cli([*TINY_DOCK, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("verkosto: error: dock team-assembly: --out") and "Traceback" not in err
    assert "holds files not written by 'verkosto dock team-assembly' (notes.txt)" in err
    assert len(err.strip().splitlines()) == 1
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt", "team_assembly.csv"]


def test_an_output_directory_it_cannot_write_is_refused_before_running(capsys, tmp_path,
                                                                      monkeypatch):
    out = tmp_path / "o"
    out.mkdir()
    real_access = cmd_dock.os.access
    monkeypatch.setattr(cmd_dock.os, "access", lambda path, mode, **kw: False
                        if Path(path) == out else real_access(path, mode, **kw))
    monkeypatch.setattr(docking, "team_assembly_sweep",
                        lambda *a, **k: pytest.fail("ran before refusing"))
    assert _cli([*TINY_DOCK, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "no permission to write" in err and len(err.strip().splitlines()) == 1


def test_a_failed_write_keeps_the_earlier_results_whole(capsys, tmp_path, monkeypatch):
    out = tmp_path / "o"
    assert _cli([*TINY_DOCK, "--out", str(out)]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    capsys.readouterr()

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(docking, "plot_s_curves", full_disk)
    assert _cli([*TINY_DOCK, "--seed", "9", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "cannot write the results" in err and "No space left" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # no partial file left


def test_command_defaults_match_the_experiment():
    assert cmd_dock.DEFAULT_M == docking.DEFAULT_M
    assert cmd_dock.DEFAULT_TAU == docking.DEFAULT_TAU
    assert cmd_dock.DEFAULT_P_GRID == docking.DEFAULT_P_GRID
    assert cmd_dock.STEPS_PER_TAU == docking.STEPS_PER_TAU
    assert cmd_dock.BURN_IN_PER_TAU == docking.BURN_IN_PER_TAU
    assert "verkosto.cmd_dock" in COMMAND_MODULES


def test_a_killed_docks_partial_files_do_not_block_the_next(capsys, tmp_path):
    """A dock killed while writing left .team_assembly.PID.partial.csv in --out, and every
    later dock into it was refused for holding files dock did not write. A partial of a
    process that no longer exists is removed, as the sweep store removes its own leftovers."""
    out = tmp_path / "o"
    assert _cli([*TINY_DOCK, "--out", str(out)]) == 0
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    stale = [out / f".team_assembly.{ended.pid}.partial.csv",
             out / f".team_assembly.{ended.pid}.partial.png"]
    for path in stale:
        path.write_text("half")
    capsys.readouterr()
    assert _cli([*TINY_DOCK, "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "team_assembly.csv", "team_assembly.png", "team_assembly_transitions.csv"]


def test_a_killed_docks_partials_alone_make_an_empty_directory(capsys, tmp_path):
    out = tmp_path / "o"
    out.mkdir()
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    (out / f".team_assembly_transitions.{ended.pid}.partial.csv").write_text("half")
    assert _cli([*TINY_DOCK, "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "team_assembly.csv", "team_assembly.png", "team_assembly_transitions.csv"]


def _being_written(out: Path, name: str) -> Path:
    """A partial file ``name`` in a new directory ``out``, as a dock writing it leaves it."""
    out.mkdir()
    partial = out / name
    partial.write_text("being written")
    return partial


def _refused(out: Path, capsys, monkeypatch) -> str:
    """What a dock into ``out`` says on stderr, having refused (exit 2) before running."""
    monkeypatch.setattr(docking, "team_assembly_sweep",
                        lambda *a, **k: pytest.fail("ran before refusing"))
    assert _cli([*TINY_DOCK, "--out", str(out)]) == 2
    return capsys.readouterr().err


def test_a_running_docks_partial_is_refused_naming_it(capsys, tmp_path, monkeypatch):
    """A partial of a process that runs is another dock writing here now: refused, and the
    file is kept, as a file in --out that is not a partial is."""
    partial = _being_written(tmp_path / "o", f".team_assembly.{os.getppid()}.partial.csv")
    err = _refused(tmp_path / "o", capsys, monkeypatch)
    assert f"another 'verkosto dock team-assembly' (process {os.getppid()})" in err
    assert len(err.strip().splitlines()) == 1 and partial.read_text() == "being written"


def test_another_hosts_partial_waits_for_an_hour_whatever_its_id_here(capsys, tmp_path,
                                                                      monkeypatch):
    """On a file system that hosts share (a cluster's home directories), a partial's process
    id was asked of this host: another host's dock writing now, whose id is no process here,
    had its partial removed under it. Partials carry the host (PID@HOST) now: another host's
    is taken for a dock writing there until it is an hour old."""
    out = tmp_path / "o"
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    partial = _being_written(out, f".team_assembly.{ended.pid}@elsewhere-07.partial.csv")
    assert f"(process {ended.pid}@elsewhere-07)" in _refused(out, capsys, monkeypatch)
    assert partial.read_text() == "being written"
    hour_ago = os.stat(partial).st_mtime - cmd_dock.STALE_STAGING_AGE_S - 60
    os.utime(partial, (hour_ago, hour_ago))
    monkeypatch.undo()
    assert _cli([*TINY_DOCK, "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "team_assembly.csv", "team_assembly.png", "team_assembly_transitions.csv"]


def test_an_interrupted_write_leaves_no_partial_file(capsys, tmp_path, monkeypatch):
    out = tmp_path / "o"

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(docking, "plot_s_curves", interrupted)
    assert _cli([*TINY_DOCK, "--out", str(out)]) == EXIT_INTERRUPTED
    assert list(out.iterdir()) == []
