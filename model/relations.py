"""Pairwise relations with lazy decay: familiarity, directed trust, last contact, knowledge.

Familiarity ``F[i, j]`` (symmetric) fades and trust ``T[i, j]`` (how much i
trusts j) relaxes toward a prior while two people have no contact (S36). A
dense weekly ``F *= decay`` would cost the square of the network each week,
so each pair keeps the value it had when last touched and the week of that
touch; the elapsed decay is applied in closed form when the pair is next read
or touched (``settle``). The submodels use only the methods below, so a
sparse store could replace the dense arrays without touching them.

Knowledge ``K[i, o]`` — how well participant i knows what organisation o
currently does (S9) — is participant-by-organisation and small; it ages by a
dense weekly factor.
"""

from __future__ import annotations

import numpy as np


class Relations:
    """Dense pair store with lazily applied decay.

    Args:
        capacity: Maximum number of participant slots.
        org_capacity: Maximum number of organisations.
        trust_prior: Trust in a stranger, toward which trust relaxes.
        familiarity_half_life: Weeks for familiarity to halve without contact.
        trust_half_life: Weeks for trust's distance from the prior to halve.
        horizon: Longest gap (weeks) for which decay factors are tabulated;
            longer gaps use the last entry's formula.
    """

    def __init__(self, capacity: int, org_capacity: int, trust_prior: float,
                 familiarity_half_life: float, trust_half_life: float, horizon: int = 4096):
        self.prior = trust_prior
        self.F = np.zeros((capacity, capacity))
        self.T = np.full((capacity, capacity), trust_prior)
        self.last = np.zeros((capacity, capacity), dtype=np.int32)
        self.K = np.zeros((capacity, org_capacity))
        gaps = np.arange(horizon + 1, dtype=float)
        # Tabulated factors turn a power per pair into a gather.
        self._f_decay = 0.5 ** (gaps / familiarity_half_life)
        self._t_decay = 0.5 ** (gaps / trust_half_life)
        self._horizon = horizon

    def _factors(self, gap: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        gap = np.minimum(gap, self._horizon)
        return self._f_decay[gap], self._t_decay[gap]

    def settle(self, i: np.ndarray, j: np.ndarray, now: int) -> None:
        """Bring pairs (i, j) up to week ``now`` by applying their elapsed decay."""
        gap = now - self.last[i, j]
        fd, td = self._factors(gap)
        self.F[i, j] *= fd
        self.T[i, j] = self.prior + (self.T[i, j] - self.prior) * td
        self.last[i, j] = now

    def familiarity(self, i: np.ndarray, j: np.ndarray, now: int) -> np.ndarray:
        """Current familiarity of pairs (i, j) without changing the store."""
        fd, _ = self._factors(now - self.last[i, j])
        return self.F[i, j] * fd

    def trust(self, i: np.ndarray, j: np.ndarray, now: int) -> np.ndarray:
        """Current trust of i in j for pairs (i, j) without changing the store."""
        _, td = self._factors(now - self.last[i, j])
        return self.prior + (self.T[i, j] - self.prior) * td

    def block(self, rows: np.ndarray, cols: np.ndarray, now: int) -> tuple[np.ndarray, np.ndarray]:
        """Current familiarity and trust over the block rows x cols."""
        ix = np.ix_(rows, cols)
        fd, td = self._factors(now - self.last[ix])
        return self.F[ix] * fd, self.prior + (self.T[ix] - self.prior) * td

    def reset(self, slot: int, now: int) -> None:
        """Forget everything about a slot: a newcomer who knows no one and whom no one knows."""
        self.F[slot, :] = 0.0
        self.F[:, slot] = 0.0
        self.T[slot, :] = self.prior
        self.T[:, slot] = self.prior
        self.last[slot, :] = now
        self.last[:, slot] = now
        self.K[slot, :] = 0.0
