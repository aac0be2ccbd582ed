#!/usr/bin/env python
"""Record evosax 0.1.6's CMA-ES state over a few ask/tell generations (an ES oracle).

What
    The authors' trainer (github.com/erwanplantec/LNDP, commit c66e6a9,
    utils/trainer.py EvosaxTrainer.train_step) runs evosax 0.1.6's CMA_ES as
        x, state = strategy.ask(key, state, params)
        f = FitnessShaper(maximize=True).apply(x, fitness)      # = -fitness
        state = strategy.tell(x, f, state, params)
    This script runs exactly that on a small problem -- 12 dimensions, popsize 16,
    CMA_ES(popsize=16, num_dims=12) with its default params (sigma_init 1,
    init_min = init_max = 0, elite_ratio 0.5) -- for 8 generations in each of three
    fitness scenarios, and saves, per generation, the state before the ask (mean,
    sigma, C, p_sigma, p_c), what the ask put in the state (C, B, D: the tell of
    0.1.6 uses these, and sets B, D to None afterwards), the asked population, the
    fitness fed to it, the state after the tell, and the quantities of the rank-one
    stall test (h_sigma), to tests/fixtures/reference/cmaes_evosax016.npz.

    Scenarios (fitness is maximised, as in their trainer):
      distinct  fixed numbers from np.random.RandomState(0).standard_normal, all
                distinct, unrelated to x
      linear    f = x . u, u a fixed unit vector: directional selection, so sigma and
                the paths grow as they do early in a real run
      ties      f = 10 * RandomState(2).randint(0, 6): few distinct values, many ties,
                like Foraging's fitness (multiples of 10)

    The comparison is made well-defined by feeding populations: each generation's
    population is the one 0.1.6 asked (its own sampling, N(m, sigma^2 C)); a test feeds
    the same population and fitness to another implementation's tell after that
    implementation's own ask (evosax 0.3 refreshes B and D in ask), so the random
    streams of the two never matter.

Why
    lndp.strategies (evosax 0.3) claims to be the authors' CMA-ES; the test
    tests/test_strategies_reference.py checks that claim against these recordings
    instead of a reading of the two sources.

How to run (the scratch environment of tools/train_authors.py; needs only evosax
0.1.6 and jax 0.4.30, none of the authors' code)
    /work/authors-env/bin/python tools/record_cmaes_fixture.py \
        --out tests/fixtures/reference/cmaes_evosax016.npz

    Deterministic: two runs give byte-identical files (zip members carry a fixed
    timestamp, names are sorted).

Licence
    evosax is Apache-2.0; nothing of it is copied here, only the numbers it computed.
"""

from __future__ import annotations

import argparse
import json
import sys

import numpy as np

# the fixtures' byte-reproducible writer (this script runs from tools/, beside it)
from record_reference_fixtures import save_npz  # noqa: E402

POPSIZE, NUM_DIMS, GENERATIONS = 16, 12, 8
SCENARIOS = ("distinct", "linear", "ties")


def fitness_for(scenario: str, g: int, x: np.ndarray) -> np.ndarray:
    if scenario == "distinct":
        rs = np.random.RandomState(1000 + g)
        f = rs.standard_normal(POPSIZE)
        assert len(np.unique(f.astype(np.float32))) == POPSIZE
    elif scenario == "linear":
        u = np.random.RandomState(1).standard_normal(NUM_DIMS)
        u /= np.linalg.norm(u)
        f = np.asarray(x, dtype=np.float64) @ u
        assert len(np.unique(f.astype(np.float32))) == POPSIZE
    elif scenario == "ties":
        f = 10.0 * np.random.RandomState(2000 + g).randint(0, 6, POPSIZE)
        assert len(np.unique(f)) < POPSIZE
    else:
        raise ValueError(scenario)
    return f.astype(np.float32)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default="tests/fixtures/reference/cmaes_evosax016.npz")
    args = ap.parse_args(argv)

    import evosax as ex
    import jax
    import jax.numpy as jnp
    from importlib.metadata import version

    assert version("evosax") == "0.1.6", version("evosax")
    es = ex.CMA_ES(popsize=POPSIZE, num_dims=NUM_DIMS)
    params = es.default_params
    shaper = ex.FitnessShaper(maximize=True)  # as their trainer.make
    ask, tell = jax.jit(es.ask), jax.jit(es.tell)
    n = NUM_DIMS
    thr = float((1.4 + 2 / (n + 1)) * params.chi_n)

    arrays = {
        "params/weights": np.asarray(es.initialize(jax.random.PRNGKey(0), params).weights),
        "params/weights_truncated": np.asarray(es.initialize(jax.random.PRNGKey(0), params).weights_truncated),
    }
    for name in ("mu_eff", "c_1", "c_mu", "c_sigma", "d_sigma", "c_c", "chi_n", "c_m",
                 "sigma_init", "init_min", "init_max"):
        arrays[f"params/{name}"] = np.float32(getattr(params, name))
    arrays["params/h_sigma_threshold"] = np.float32(thr)

    flips = {}
    for si, scenario in enumerate(SCENARIOS):
        rec = {k: [] for k in ("pre/mean", "pre/sigma", "pre/C", "pre/p_sigma", "pre/p_c",
                               "ask/C", "ask/B", "ask/D", "population", "fitness", "order",
                               "post/mean", "post/sigma", "post/C", "post/p_sigma", "post/p_c",
                               "post/gen_counter", "h_sigma_cond_left", "h_sigma_cond_left_0p3",
                               "h_sigma")}
        key = jax.random.PRNGKey(100 + si)
        key, k_init = jax.random.split(key)
        state = es.initialize(k_init, params)
        for g in range(GENERATIONS):
            for f_ in ("mean", "sigma", "C", "p_sigma", "p_c"):
                rec[f"pre/{f_}"].append(np.asarray(getattr(state, f_), dtype=np.float32))
            key, k_ask = jax.random.split(key)
            x, state = ask(k_ask, state, params)
            for f_ in ("C", "B", "D"):
                rec[f"ask/{f_}"].append(np.asarray(getattr(state, f_), dtype=np.float32))
            x = np.asarray(x, dtype=np.float32)
            fit = fitness_for(scenario, g, x)
            shaped = shaper.apply(jnp.asarray(x), jnp.asarray(fit))
            # their tell sorts by the shaped fitness with jnp.argsort (stable): the order
            # in which the recombination weights are given out
            rec["order"].append(np.asarray(jnp.argsort(shaped)).astype(np.int32))
            state = tell(jnp.asarray(x), shaped, state, params)
            rec["population"].append(x)
            rec["fitness"].append(fit)
            for f_ in ("mean", "sigma", "C", "p_sigma", "p_c"):
                rec[f"post/{f_}"].append(np.asarray(getattr(state, f_), dtype=np.float32))
            rec["post/gen_counter"].append(np.int32(state.gen_counter))
            # the rank-one stall test of the tell just made (generation counter g):
            # 0.1.6 divides by sqrt(1 - (1 - c_sigma)^(2 (g + 1))), 0.3 by
            # sqrt(1 - (1 - c_std)^(2 (g + 2)))
            norm = float(np.linalg.norm(np.asarray(state.p_sigma, dtype=np.float64)))
            c = float(params.c_sigma)
            left = norm / np.sqrt(1 - (1 - c) ** (2 * (g + 1)))
            left03 = norm / np.sqrt(1 - (1 - c) ** (2 * (g + 2)))
            rec["h_sigma_cond_left"].append(np.float32(left))
            rec["h_sigma_cond_left_0p3"].append(np.float32(left03))
            rec["h_sigma"].append(np.float32(left < thr))
            if (left < thr) != (left03 < thr):
                flips.setdefault(scenario, []).append(g)
        for k_, v in rec.items():
            arrays[f"{scenario}/{k_}"] = np.stack(v)

    meta = {
        "what": "evosax 0.1.6 CMA_ES ask/tell, fed FitnessShaper(maximize=True)(fitness)",
        "popsize": POPSIZE, "num_dims": NUM_DIMS, "generations": GENERATIONS,
        "scenarios": list(SCENARIOS),
        "versions": {p: version(p) for p in ("jax", "jaxlib", "evosax", "numpy")},
        "backend": jax.default_backend(),
        "jax_threefry_partitionable": bool(jax.config.jax_threefry_partitionable),
        "h_sigma_differs_0p3_vs_0p1p6_at": flips,
        "command": "/work/authors-env/bin/python tools/record_cmaes_fixture.py "
                   "--out tests/fixtures/reference/cmaes_evosax016.npz",
    }
    arrays["meta_json"] = np.asarray(json.dumps(meta, sort_keys=True))
    save_npz(args.out, arrays)
    print(json.dumps(meta, indent=1, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
