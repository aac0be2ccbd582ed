#!/usr/bin/env python
"""How often a one-ulp change of one parameter breaks the free-running Foraging test's
criterion (tests/test_reference.py::test_foraging_lifetime_follows_theirs_until_chaos_sets_in:
the first difference from the authors' lifetime must be a single decision).

    python tools/perturb_free_running.py [DRAWS]   (default 12; seed 0)

Each draw moves one parameter, chosen at random, of the fixture's parameters up by one
float32 ulp and records where the free-running lifetime first departs from theirs and
by how much. If the criterion breaks for many such draws of the accepted code, it cannot
tell a different computation from a different rounding.
"""

from __future__ import annotations

import sys
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from test_reference import FIXTURES, _case, flat_from_authors  # noqa: E402


def main(draws: int) -> int:
    data, agent, _ = _case("grid")
    trace = np.load(FIXTURES / "lifetime_traces.npz")
    named = {k.removeprefix("params/"): data[k] for k in data.files if k.startswith("params/")}
    params = np.asarray(flat_from_authors(agent, named))
    record = jax.jit(agent.record)
    their_rewards = trace["grid/reward"].reshape(-1)
    their_edges = trace["grid/n_edges"].reshape(-1)
    steps = len(their_rewards)

    def judge(p: np.ndarray) -> tuple[int, bool, int]:
        """(first differing step, 1-based; the criterion holds; edge-count difference)"""
        _, ours = record(jnp.asarray(p), jax.random.PRNGKey(0))
        rewards = np.asarray(ours.reward)[1:steps + 1]
        edges = np.asarray(ours.adjacency)[1:steps + 1].sum((1, 2))
        differ = np.nonzero((rewards != their_rewards) | (edges != their_edges))[0]
        if not len(differ):
            return steps + 1, True, 0
        first = int(differ[0])
        gap = int(edges[first]) - int(their_edges[first])
        one_action = rewards[first] != their_rewards[first] and gap == 0
        one_edge = rewards[first] == their_rewards[first] and abs(gap) == 1
        return first + 1, bool(one_action or one_edge), gap

    print("unperturbed: first difference at step %d, criterion holds: %s, edges %+d"
          % judge(params))
    rng = np.random.default_rng(0)
    held = 0
    for draw in range(draws):
        p = params.copy()
        i = int(rng.integers(p.size))
        p[i] = np.nextafter(p[i], np.float32(np.inf))
        step, holds, gap = judge(p)
        held += holds
        print(f"draw {draw}: parameter {i} + 1 ulp: first difference at step {step}, "
              f"criterion holds: {holds}, edges {gap:+d}", flush=True)
    print(f"the single-decision criterion held in {held} of {draws} one-ulp perturbations")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 12))
