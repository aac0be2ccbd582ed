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

import jax.numpy as jnp
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from test_reference import (FIXTURES, _case, flat_from_authors,  # noqa: E402
                            free_running_departure, one_decision)


def main(draws: int) -> int:
    data, agent, _ = _case("grid")
    trace = np.load(FIXTURES / "lifetime_traces.npz")
    named = {k.removeprefix("params/"): data[k] for k in data.files if k.startswith("params/")}
    params = np.asarray(flat_from_authors(agent, named))

    def judge(p: np.ndarray) -> tuple[int, bool, int]:
        """(first differing step, 1-based; the criterion holds; edge-count difference)"""
        first, ours, theirs = free_running_departure(agent, jnp.asarray(p), trace)
        if first == len(theirs[0]):
            return first + 1, True, 0
        return (first + 1, one_decision(first, ours, theirs),
                int(ours[1][first]) - int(theirs[1][first]))

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
