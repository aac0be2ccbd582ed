"""Statistics for setting our results beside the paper's claims.

Each comparison is made over seeds (one number per training run): the mean with a 95 %
bootstrap confidence interval, and Welch's t-test where two conditions are compared. With
three seeds per condition these tests have little power; a verdict of "inconclusive at
this scale" is the honest outcome when the interval is wide.
"""

from __future__ import annotations

import itertools
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from lndp.config import TaskConfig


def bootstrap_ci(values, n_resamples: int = 10_000, level: float = 0.95,
                 seed: int = 0) -> tuple[float, float, float]:
    """(mean, lower, upper): percentile bootstrap interval of the mean."""
    values = np.asarray(values, dtype=np.float64)
    if values.size == 0:
        raise ValueError("values: need at least one value")
    rng = np.random.default_rng(seed)
    means = rng.choice(values, (n_resamples, values.size)).mean(1)
    alpha = (1 - level) / 2
    return float(values.mean()), float(np.quantile(means, alpha)), float(np.quantile(means, 1 - alpha))


def welch_test(a, b) -> tuple[float, float]:
    """(t statistic, two-sided p-value) of Welch's unequal-variance t-test, a versus b."""
    from scipy import stats

    result = stats.ttest_ind(np.asarray(a, float), np.asarray(b, float), equal_var=False)
    return float(result.statistic), float(result.pvalue)


def _best_fixed_policy(env, params, policies, act, episodes: int,
                       seed: int) -> tuple[int, float]:
    """(index, expected episode return) of the best of `policies`, each a fixed map
    act(policy, env_state) → action, over the same `episodes` random episodes.
    Rewards after an episode ends do not count."""
    import jax
    import jax.numpy as jnp

    max_steps = int(params.max_steps_in_episode)

    def episode_return(policy, key):
        k_reset, k_steps = jax.random.split(key)
        _, state = env.reset_env(k_reset, params)

        def step(carry, k):
            state, total, done = carry
            _, state, reward, now_done, _ = env.step_env(k, state, act(policy, state), params)
            return (state, total + jnp.where(done, 0.0, reward), done | now_done), None

        carry = (state, jnp.float32(0.0), jnp.array(False))
        (_, total, _), _ = jax.lax.scan(step, carry, jax.random.split(k_steps, max_steps))
        return total

    keys = jax.random.split(jax.random.PRNGKey(seed), episodes)
    returns = np.asarray(jax.jit(jax.vmap(
        lambda p: jax.vmap(lambda k: episode_return(p, k))(keys).mean()))(policies))
    best = int(np.argmax(returns))
    return best, float(returns[best])


@lru_cache(maxsize=None)
def foraging_memoryless_ceiling(p_switch: float = 0.5, max_steps: int = 100,
                                grid_size: int = 5, episodes: int = 2000,
                                seed: int = 0) -> float:
    """Best expected episode return of any policy that maps position → action.

    A network that no longer changes (the NDP after development) is such a policy: its
    activity is reset at every step and driven by the one-hot position alone. Returns
    above this ceiling therefore need within-lifetime adaptation. Computed exhaustively
    over all 3^grid_size policies on this project's Foraging environment.
    """
    import jax.numpy as jnp

    from lndp.envs.foraging import EnvParams, Foraging

    params = EnvParams(grid_size=grid_size, p_switch=p_switch, max_steps_in_episode=max_steps)
    policies = jnp.array(list(itertools.product(range(3), repeat=grid_size)))
    _, ceiling = _best_fixed_policy(Foraging(), params, policies,
                                    lambda policy, state: policy[state.position],
                                    episodes, seed)
    return ceiling


@lru_cache(maxsize=None)
def constant_action_baseline(task: TaskConfig, episodes: int = 2000,
                             seed: int = 0) -> tuple[float, float]:
    """(action, expected episode return) of the best policy that ignores its observation
    and always takes one action: each discrete action, or torques -2, -1.9, …, 2 (Pendulum).

    A training curve that ends here has learned nothing an observation-blind policy could
    not do: the baseline that makes "both conditions are equal" or "a condition plateaued"
    readable on the tasks where learning is hard at our budget.
    """
    import jax.numpy as jnp

    from lndp.envs import make_task

    env, params, continuous = make_task(task)
    if continuous:
        actions = jnp.round(jnp.linspace(-2.0, 2.0, 41), 2)[:, None]  # one torque each
    else:
        actions = jnp.arange(env.num_actions)
    best, value = _best_fixed_policy(env, params, actions, lambda action, _: action,
                                     episodes, seed)
    return float(actions[best].squeeze()), value


def _constant_policy_name(task_name: str) -> str:
    return "constant torque" if task_name == "pendulum" else "constant action"


def _baseline_parts(results_dir, figure: str, task: str, condition: str) -> list[str]:
    """Where the best observation-blind policy lies, under the runs' own task settings
    (nothing for run folders that record no task settings, e.g. hand-made ones)."""
    from lndp.train import load_config

    runs = [run for run in _runs(results_dir, figure, task, condition)
            if (run / "config.json").exists()]
    if not runs:
        return []
    action, value = constant_action_baseline(load_config(runs[0]).task)
    return [f"the best observation-blind policy ({_constant_policy_name(task)} {action:g}) "
            f"expects {value:.1f} per episode"]


def final_fitness(results_dir, figure: str, task: str, condition: str,
                  last: int = 10) -> dict[int, float]:
    """Per finished seed: mean population fitness over the last `last` generations."""
    from pathlib import Path

    from lndp.train import is_finished, read_log

    folder = Path(results_dir) / figure / task / condition
    values = {}
    for run in sorted(folder.glob("seed*")):
        if is_finished(run):
            rows = read_log(run)[-last:]
            values[int(run.name[4:])] = float(np.mean([float(r["fitness_mean"]) for r in rows]))
    return values


def compare(results_dir, figure: str, task: str, a: str, b: str, last: int = 10) -> dict:
    """Condition a versus b on final mean population fitness, over finished seeds."""
    fa = final_fitness(results_dir, figure, task, a, last)
    fb = final_fitness(results_dir, figure, task, b, last)
    out = {"task": task, "a": a, "b": b, "seeds_a": len(fa), "seeds_b": len(fb)}
    if fa:
        out["a_mean"], out["a_lo"], out["a_hi"] = bootstrap_ci(list(fa.values()))
    if fb:
        out["b_mean"], out["b_lo"], out["b_hi"] = bootstrap_ci(list(fb.values()))
    if len(fa) >= 2 and len(fb) >= 2:
        out["t"], out["p"] = welch_test(list(fa.values()), list(fb.values()))
    return out


def format_comparison(c: dict) -> str:
    """'a 85.1 [83.0, 87.2] vs b 80.2 [...] (n = 3, 3; Welch p = 0.04)'."""
    def part(side):
        if f"{side}_mean" not in c:
            return f"{c[side]}: no finished run"
        return (f"{c[side]} {c[side + '_mean']:.1f} "
                f"[{c[side + '_lo']:.1f}, {c[side + '_hi']:.1f}]")
    text = f"{part('a')} vs {part('b')} (seeds {c['seeds_a']}, {c['seeds_b']}"
    return text + (f"; Welch p = {c['p']:.3g})" if "p" in c else ")")


# -- the paper's claims, one verdict rule each ---------------------------------------------
#
# Every rule is fixed here, before looking at any result, and printed beside the verdict
# on the results page. Outcomes: "reproduced", "not reproduced", "inconclusive at this
# scale", or "not run yet" (some run the rule needs is missing from the results folder).

ALPHA = 0.05
#: a null claim ("no difference") counts as reproduced only if the 95 % bootstrap interval
#: of the difference of means lies within ± this fraction of the reference condition's |mean|
EQUIVALENCE_MARGIN = 0.10
REPRODUCED, NOT_REPRODUCED = "reproduced", "not reproduced"
INCONCLUSIVE, NOT_RUN = "inconclusive at this scale", "not run yet"

#: final synapse densities the paper reports (second-hand summary [W], unverified)
PAPER_DENSITIES = {"cartpole": 0.79, "foraging": 0.72, "acrobot": 0.69, "pendulum": 0.24}


def bootstrap_diff_ci(a, b, n_resamples: int = 10_000, level: float = 0.95,
                      seed: int = 0) -> tuple[float, float, float]:
    """(mean(a) − mean(b), lower, upper): percentile bootstrap, groups resampled apart."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    rng = np.random.default_rng(seed)
    diffs = (rng.choice(a, (n_resamples, a.size)).mean(1)
             - rng.choice(b, (n_resamples, b.size)).mean(1))
    alpha = (1 - level) / 2
    return float(a.mean() - b.mean()), float(np.quantile(diffs, alpha)), \
        float(np.quantile(diffs, 1 - alpha))


def _runs(results_dir, figure: str, task: str, condition: str) -> list:
    from pathlib import Path

    from lndp.train import is_finished

    folder = Path(results_dir) / figure / task / condition
    return [run for run in sorted(folder.glob("seed*")) if is_finished(run)]


def final_metric(results_dir, figure: str, task: str, condition: str, metric: str,
                 last: int = 10, first: bool = False) -> dict[int, float]:
    """Per finished seed: the mean of a log column over the last `last` generations
    (first=True: over the first `last` generations, where training started)."""
    from lndp.train import read_log

    def window(rows):
        return rows[:last] if first else rows[-last:]

    return {int(run.name[4:]): float(np.mean([float(r[metric]) for r in window(read_log(run))]))
            for run in _runs(results_dir, figure, task, condition)}


def _ci_text(values) -> str:
    mean, lo, hi = bootstrap_ci(list(values))
    return f"{mean:.1f} [{lo:.1f}, {hi:.1f}]"


def _seeds_text(values: dict) -> str:
    return ", ".join(f"{v:.1f}" for v in values.values())


def _pair(fa: dict, fb: dict) -> dict:
    """Welch test and difference interval of two per-seed dicts (needs ≥ 2 seeds each)."""
    t, p = welch_test(list(fa.values()), list(fb.values()))
    diff, lo, hi = bootstrap_diff_ci(list(fa.values()), list(fb.values()))
    return {"t": t, "p": p, "diff": diff, "lo": lo, "hi": hi}


def _enough(*groups: dict) -> bool:
    return all(len(g) >= 2 for g in groups)


def _row(claim: str, task: str, result: str, verdict: str, rule: str) -> dict:
    return {"claim": claim, "task": task, "result": result, "verdict": verdict, "rule": rule}


def _sp_pairs(results_dir, task: str, metric: str = "fitness_mean") -> list[tuple]:
    """(μ, SP per seed, no-SP per seed) for every μ with both conditions in the results."""
    from pathlib import Path

    pairs = []
    folder = Path(results_dir) / "structural_plasticity" / task
    for nosp in sorted(folder.glob("nosp_*")):
        sp = nosp.name[2:]
        fa = final_metric(results_dir, "structural_plasticity", task, sp, metric)
        fb = final_metric(results_dir, "structural_plasticity", task, nosp.name, metric)
        if _enough(fa, fb):
            pairs.append((sp.split("_", 1)[1], fa, fb))
    return pairs


RULE_BEATS = (f"reproduced if SP's final mean fitness is higher than no-SP's in every "
              f"initial-connectivity pair with Welch p < {ALPHA}; not reproduced if no-SP is "
              f"higher with p < {ALPHA} in any pair; otherwise inconclusive")
RULE_NULL = (f"reproduced if no pair differs with p < {ALPHA} and the 95 % interval of the "
             f"difference lies within ±{EQUIVALENCE_MARGIN:.0%} of the reference's |mean|; "
             f"not reproduced if a pair differs with p < {ALPHA}; otherwise inconclusive")


def _sp_beats(results_dir, claim: str, task: str) -> dict:
    pairs = _sp_pairs(results_dir, task)
    if not pairs:
        return _row(claim, task, "—", NOT_RUN, RULE_BEATS)
    parts, wins, losses = [], 0, 0
    for setting, fa, fb in pairs:
        test = _pair(fa, fb)
        wins += test["diff"] > 0 and test["p"] < ALPHA
        losses += test["diff"] < 0 and test["p"] < ALPHA
        parts.append(f"{setting}: SP {_ci_text(fa.values())} vs no-SP {_ci_text(fb.values())}, "
                     f"p = {test['p']:.2g}")
    if claim == "1b":  # the claim adds: the population *max* is similar
        for setting, fa, fb in _sp_pairs(results_dir, task, "fitness_max"):
            test = _pair(fa, fb)
            parts.append(f"max, {setting}: SP {_ci_text(fa.values())} vs no-SP "
                         f"{_ci_text(fb.values())}, p = {test['p']:.2g}")
    verdict = (NOT_REPRODUCED if losses else REPRODUCED if wins == len(pairs) else INCONCLUSIVE)
    rule = RULE_BEATS + ("; the max comparison is reported beside it, not part of the verdict"
                         if claim == "1b" else "")
    return _row(claim, task, "; ".join(parts), verdict, rule)


def _null_verdict(tests: list[dict], reference_means: list[float]) -> str:
    if any(t["p"] < ALPHA for t in tests):
        return NOT_REPRODUCED
    if all(max(abs(t["lo"]), abs(t["hi"])) <= EQUIVALENCE_MARGIN * abs(m)
           for t, m in zip(tests, reference_means)):
        return REPRODUCED
    return INCONCLUSIVE


def _sp_null(results_dir, claim: str, task: str) -> dict:
    pairs = _sp_pairs(results_dir, task)
    if not pairs:
        return _row(claim, task, "—", NOT_RUN, RULE_NULL + " (reference: no-SP)")
    tests = [_pair(fa, fb) for _, fa, fb in pairs]
    parts = [f"{setting}: SP {_ci_text(fa.values())} vs no-SP {_ci_text(fb.values())}, "
             f"difference {t['diff']:.1f} [{t['lo']:.1f}, {t['hi']:.1f}], p = {t['p']:.2g}"
             for (setting, fa, fb), t in zip(pairs, tests)]
    verdict = _null_verdict(tests, [np.mean(list(fb.values())) for _, _, fb in pairs])
    # "no difference" says little if neither condition learned: show how far training moved each
    gains = []
    for condition in sorted({c for setting, _, _ in pairs for c in
                             (f"sp_{setting}", f"nosp_{setting}")}):
        start = final_metric(results_dir, "structural_plasticity", task, condition,
                             "fitness_mean", first=True)
        end = final_metric(results_dir, "structural_plasticity", task, condition, "fitness_mean")
        gains.append(f"{condition} {np.mean(list(start.values())):.1f} → "
                     f"{np.mean(list(end.values())):.1f}")
    parts.append("training moved the mean fitness (first → last 10 generations, mean over "
                 "seeds): " + ", ".join(gains))
    parts += _baseline_parts(results_dir, "structural_plasticity", task, f"nosp_{pairs[0][0]}")
    return _row(claim, task, "; ".join(parts), verdict, RULE_NULL + " (reference: no-SP)")


def _pendulum_empty(results_dir, claim: str = "1d", task: str = "pendulum") -> dict:
    from pathlib import Path

    best = "sp_mu0_sigma0.1"
    rule = (f"reproduced if SP from an empty network with σ_conn 0.1 has the highest final "
            f"mean fitness and beats every other condition with Welch p < {ALPHA}; not "
            f"reproduced if another condition beats it with p < {ALPHA}; otherwise inconclusive")
    folder = Path(results_dir) / "structural_plasticity" / task
    finals = {c.name: final_metric(results_dir, "structural_plasticity", task, c.name,
                                   "fitness_mean") for c in sorted(folder.glob("*sp_*"))}
    finals = {c: f for c, f in finals.items() if len(f) >= 2}
    if best not in finals or len(finals) < 2:
        return _row(claim, task, "—", NOT_RUN, rule)
    tests = {c: _pair(finals[best], f) for c, f in finals.items() if c != best}
    parts = [f"{best}: {_ci_text(finals[best].values())}"]
    parts += [f"{c}: {_ci_text(finals[c].values())} (p = {t['p']:.2g})" for c, t in tests.items()]
    parts += _baseline_parts(results_dir, "structural_plasticity", task, best)
    if any(t["diff"] < 0 and t["p"] < ALPHA for t in tests.values()):
        verdict = NOT_REPRODUCED
    elif all(t["diff"] > 0 and t["p"] < ALPHA for t in tests.values()):
        verdict = REPRODUCED
    else:
        verdict = INCONCLUSIVE
    return _row(claim, task, "; ".join(parts), verdict, rule)


def _episode_means(results_dir, figure: str, task: str, condition: str) -> dict | None:
    """Per seed: mean return in each episode of the evaluation lifetimes (array per seed)."""
    import pandas as pd

    runs = _runs(results_dir, figure, task, condition)
    frames = [pd.read_csv(run / "evaluation.csv") for run in runs
              if (run / "evaluation.csv").exists()]
    if len(frames) < 2:
        return None
    frame = pd.concat(frames)
    table = frame.groupby(["seed", "episode"])["return"].mean().unstack("episode")
    return {int(seed): row.to_numpy() for seed, row in table.iterrows()}


def _max_return(results_dir, figure: str, task: str, condition: str) -> float:
    from lndp.envs import make_task
    from lndp.train import load_config

    config = load_config(_runs(results_dir, figure, task, condition)[0]).task
    return float(make_task(config).params.max_steps_in_episode)  # CartPole: reward 1 per step


def _innate_skill(results_dir) -> dict:
    rule = ("reproduced if, with SA, the ES-mean parameters' episode-1 return (mean over "
            "seeds) is ≥ 90 % of the episode's maximum; not reproduced if < 50 %; "
            "otherwise inconclusive")
    sa = _episode_means(results_dir, "spontaneous_activity", "cartpole", "sa_lndp")
    nosa = _episode_means(results_dir, "spontaneous_activity", "cartpole", "nosa_lndp")
    if sa is None:
        return _row("2a", "cartpole", "—", NOT_RUN, rule)
    top = _max_return(results_dir, "spontaneous_activity", "cartpole", "sa_lndp")
    first = {s: v[0] for s, v in sa.items()}
    text = f"episode 1 with SA: {_seeds_text(first)} per seed ({_ci_text(first.values())}; max {top:.0f})"
    if nosa is not None:
        first_nosa = {s: v[0] for s, v in nosa.items()}
        text += (f"; without SA: {_ci_text(first_nosa.values())}, Welch p = "
                 f"{_pair(first, first_nosa)['p']:.2g}")
    mean = np.mean(list(first.values()))
    verdict = REPRODUCED if mean >= 0.9 * top else NOT_REPRODUCED if mean < 0.5 * top else INCONCLUSIVE
    return _row("2a", "cartpole", text, verdict, rule)


def _stops_improving(results_dir) -> dict:
    rule = ("without SA, per seed: gain 1→2 = episode 2 − episode 1 return, gain 2→3 likewise; "
            "reproduced if the mean gain 1→2 is > 5 % of the maximum and the mean gain 2→3 "
            "is ≤ 5 %; not reproduced if the mean gain 2→3 is > 5 % (it keeps improving); "
            "otherwise inconclusive (no measurable improvement that could stop, or episode 1 "
            "already ≥ 90 % of the maximum)")
    nosa = _episode_means(results_dir, "spontaneous_activity", "cartpole", "nosa_lndp")
    if nosa is None:
        return _row("2b", "cartpole", "—", NOT_RUN, rule)
    top = _max_return(results_dir, "spontaneous_activity", "cartpole", "nosa_lndp")
    episodes = np.stack(list(nosa.values()))
    gain12, gain23 = (episodes[:, 1] - episodes[:, 0]).mean(), (episodes[:, 2] - episodes[:, 1]).mean()
    means = ", ".join(f"{m:.1f}" for m in episodes.mean(0))
    text = (f"without SA, mean return in episodes 1–3: {means} (max {top:.0f}); "
            f"gain 1→2 {gain12:+.1f}, 2→3 {gain23:+.1f}")
    if episodes[:, 0].mean() >= 0.9 * top:
        verdict = INCONCLUSIVE
    elif gain23 > 0.05 * top:
        verdict = NOT_REPRODUCED
    elif gain12 > 0.05 * top:
        verdict = REPRODUCED
    else:
        verdict = INCONCLUSIVE
    return _row("2b", "cartpole", text, verdict, rule)


def _variability(results_dir) -> dict:
    import pandas as pd

    rule = (f"per seed, the mean over evaluation lifetimes of the standard deviation of the 3 "
            f"episode returns; reproduced if SA's is higher than no-SA's with Welch p < {ALPHA}; "
            f"not reproduced if lower with p < {ALPHA}; otherwise inconclusive")

    def spread(condition):
        runs = _runs(results_dir, "spontaneous_activity", "cartpole", condition)
        frames = [pd.read_csv(r / "evaluation.csv") for r in runs if (r / "evaluation.csv").exists()]
        if len(frames) < 2:
            return None
        frame = pd.concat(frames)
        std = frame.groupby(["seed", "eval_trial"])["return"].std(ddof=0)
        return {int(s): float(v) for s, v in std.groupby("seed").mean().items()}

    sa, nosa = spread("sa_lndp"), spread("nosa_lndp")
    if sa is None or nosa is None:
        return _row("2c", "cartpole", "—", NOT_RUN, rule)
    test = _pair(sa, nosa)
    text = (f"between-episode s.d. with SA {_ci_text(sa.values())} vs without "
            f"{_ci_text(nosa.values())}, p = {test['p']:.2g}")
    verdict = (REPRODUCED if test["diff"] > 0 and test["p"] < ALPHA else
               NOT_REPRODUCED if test["diff"] < 0 and test["p"] < ALPHA else INCONCLUSIVE)
    return _row("2c", "cartpole", text, verdict, rule)


def _ndp_similar(results_dir) -> dict:
    rule = RULE_NULL + " (reference: LNDP; final mean population fitness)"
    fa = final_metric(results_dir, "ndp_vs_lndp", "cartpole", "lndp", "fitness_mean")
    fb = final_metric(results_dir, "ndp_vs_lndp", "cartpole", "ndp", "fitness_mean")
    if not _enough(fa, fb):
        return _row("3a", "cartpole", "—", NOT_RUN, rule)
    test = _pair(fa, fb)
    text = (f"LNDP {_seeds_text(fa)} ({_ci_text(fa.values())}) vs NDP {_seeds_text(fb)} "
            f"({_ci_text(fb.values())}); difference {test['diff']:.1f} "
            f"[{test['lo']:.1f}, {test['hi']:.1f}], p = {test['p']:.2g}")
    return _row("3a", "cartpole", text, _null_verdict([test], [np.mean(list(fa.values()))]),
                rule)


def _only_lndp_adapts(results_dir) -> dict:
    import pandas as pd

    from lndp.train import load_config

    rule = ("a run adapts if its ES-mean parameters' mean return over the evaluation "
            "lifetimes minus 2 standard errors exceeds the best return any memoryless "
            "position → action policy can expect (what a frozen network is); reproduced if "
            "every LNDP seed adapts and no NDP seed does; not reproduced if no LNDP seed "
            "adapts or an NDP seed does; otherwise inconclusive")
    runs = {c: _runs(results_dir, "ndp_vs_lndp", "foraging", c) for c in ("lndp", "ndp")}
    if any(len([r for r in rs if (r / "evaluation.csv").exists()]) < 2 for rs in runs.values()):
        return _row("3b", "foraging", "—", NOT_RUN, rule)
    task = load_config(runs["lndp"][0]).task
    ceiling = foraging_memoryless_ceiling(task.p_switch, task.max_steps)
    adapts, means = {}, {}
    for condition, rs in runs.items():
        for run in rs:
            returns = pd.read_csv(run / "evaluation.csv").groupby("eval_trial")["return"].sum()
            mean, se = returns.mean(), returns.std(ddof=1) / np.sqrt(len(returns))
            means.setdefault(condition, []).append(mean)
            adapts.setdefault(condition, []).append(bool(mean - 2 * se > ceiling))
    fa = final_metric(results_dir, "ndp_vs_lndp", "foraging", "lndp", "fitness_mean")
    fb = final_metric(results_dir, "ndp_vs_lndp", "foraging", "ndp", "fitness_mean")
    text = (f"memoryless ceiling {ceiling:.1f}; evaluation (ES mean) LNDP "
            f"{', '.join(f'{m:.1f}' for m in means['lndp'])} vs NDP "
            f"{', '.join(f'{m:.1f}' for m in means['ndp'])}: {sum(adapts['lndp'])} of "
            f"{len(adapts['lndp'])} LNDP and {sum(adapts['ndp'])} of {len(adapts['ndp'])} NDP "
            f"seeds above it; final training fitness LNDP {_ci_text(fa.values())} vs NDP "
            f"{_ci_text(fb.values())}, p = {_pair(fa, fb)['p']:.2g}")
    if all(adapts["lndp"]) and not any(adapts["ndp"]):
        verdict = REPRODUCED
    elif not any(adapts["lndp"]) or any(adapts["ndp"]):
        verdict = NOT_REPRODUCED
    else:
        verdict = INCONCLUSIVE
    return _row("3b", "foraging", text, verdict, rule)


def development_trace(run, key: int = 0, agent=None, untrained: bool = False):
    """Per-step density and synapse changes of one recorded lifetime of a finished run
    (its ES-mean parameters, or with `untrained` the parameters evolution started from).

    Cached as ``development_key<key>[_untrained].csv`` in the run folder (small; committed
    with the run), so reading the claims needs no model compile once runs are recorded.
    """
    import pandas as pd

    from lndp.experiments import record_development

    cache = run / f"development_key{key}{'_untrained' if untrained else ''}.csv"
    if cache.exists():
        return pd.read_csv(cache)
    frame = record_development(run, key=key, agent=agent, untrained=untrained).density
    frame.to_csv(cache, index=False)
    return frame


def _top_share(changes: np.ndarray, top_fraction: float) -> float:
    """Share of all changes made in the busiest `top_fraction` of steps (NaN if none)."""
    changes = np.sort(changes)[::-1]
    k = max(1, int(round(top_fraction * len(changes))))
    return float(changes[:k].sum() / changes.sum()) if changes.sum() else float("nan")


def development_statistics(results_dir, condition: str = "sp_mu0.5_sigma0.1",
                           top_fraction: float = 0.1, key: int = 0):
    """Per task and seed of the SP runs of `condition`: one recorded lifetime's final
    density and the share of all synapse additions/prunings made in its busiest
    `top_fraction` of steps (uniform change would give `top_fraction`), for the trained
    parameters and, as a control, for the untrained ones evolution started from."""
    import pandas as pd

    from lndp.rollout import Agent
    from lndp.train import load_config

    rows = []
    for task in PAPER_DENSITIES:
        runs = _runs(results_dir, "structural_plasticity", task, condition)
        agent = None
        for run in runs:
            cached = all((run / f"development_key{key}{s}.csv").exists()
                         for s in ("", "_untrained"))
            if agent is None and not cached:
                agent = Agent(load_config(run))  # one compile serves every seed
            trace = development_trace(run, key, agent)
            control = development_trace(run, key, agent, untrained=True)
            rows.append({"task": task, "seed": int(run.name[4:]),
                         "final_density": float(trace.density.iloc[-1]),
                         "changes": int(trace.changes.sum()),
                         "top_share": _top_share(trace.changes.to_numpy()[1:], top_fraction),
                         "steps": len(trace) - 1,
                         "untrained_top_share": _top_share(control.changes.to_numpy()[1:],
                                                           top_fraction),
                         "untrained_final_density": float(control.density.iloc[-1])})
    return pd.DataFrame(rows, columns=["task", "seed", "final_density", "changes",
                                       "top_share", "steps", "untrained_top_share",
                                       "untrained_final_density"])


def _critical_periods(stats) -> dict:
    rule = ("per recorded lifetime (ES-mean parameters of each seed of SP μ 0.5, σ 0.1): the "
            "share of all synapse additions and prunings made in its busiest 10 % of steps; "
            "a lifetime with no structural change has no such period; reproduced if, in every "
            "task run, most lifetimes change structure and the median share is ≥ 50 %; not "
            "reproduced if the median share is < 25 % in every task where structure changes; "
            "otherwise inconclusive")
    if stats.empty:
        return _row("4a", "all", "—", NOT_RUN, rule)
    parts, shares, static_tasks = [], {}, []
    for task, group in stats.groupby("task", sort=False):
        changing = group[group.changes > 0]
        control = group.untrained_top_share.median()
        if len(changing) * 2 <= len(group):
            static_tasks.append(task)
            parts.append(f"{task}: {len(group) - len(changing)} of {len(group)} lifetimes "
                         f"without any structural change (untrained parameters: "
                         f"{control:.0%} in the busiest 10 %)")
            continue
        shares[task] = changing.top_share.median()
        parts.append(f"{task}: {shares[task]:.0%} of a median {changing.changes.median():.0f} "
                     f"changes in the busiest 10 % of steps (untrained parameters: {control:.0%})")
    missing = [t for t in PAPER_DENSITIES if t not in set(stats.task)]
    text = "; ".join(parts) + (f" (not run yet: {', '.join(missing)})" if missing else "")
    if not static_tasks and all(v >= 0.5 for v in shares.values()):
        verdict = REPRODUCED
    elif shares and all(v < 0.25 for v in shares.values()):
        verdict = NOT_REPRODUCED
    else:
        verdict = INCONCLUSIVE
    return _row("4a", ", ".join(stats.task.unique()), text, verdict, rule)


def _final_densities(stats) -> dict:
    rule = ("final density of the recorded lifetimes, mean over seeds; reproduced if within "
            "±0.1 of the paper's value for every task run; not reproduced if off by > 0.2 for "
            "any; otherwise inconclusive")
    if stats.empty:
        return _row("4b", "all", "—", NOT_RUN, rule)
    parts, errors = [], []
    for task, group in stats.groupby("task", sort=False):
        mean, lo, hi = bootstrap_ci(group.final_density)
        parts.append(f"{task}: {mean:.2f} [{lo:.2f}, {hi:.2f}] (paper {PAPER_DENSITIES[task]})")
        errors.append(abs(mean - PAPER_DENSITIES[task]))
    missing = [t for t in PAPER_DENSITIES if t not in set(stats.task)]
    text = "; ".join(parts) + (f" (not run yet: {', '.join(missing)})" if missing else "")
    verdict = (NOT_REPRODUCED if max(errors) > 0.2 else
               REPRODUCED if max(errors) <= 0.1 else INCONCLUSIVE)
    return _row("4b", ", ".join(stats.task.unique()), text, verdict, rule)


#: claim id → the paper's statement (NOTES.md, "Results to reproduce")
CLAIMS = {
    "1a": "CartPole: SP beats no-SP in every initial-connectivity condition",
    "1b": "Foraging: SP beats no-SP; SP has a higher mean population fitness, the max is similar",
    "1c": "Acrobot: no significant difference between SP and no-SP",
    "1d": "Pendulum: solved only with SP from an empty network with σ_conn = 0.1",
    "2a": "CartPole with SA: the agent already balances in episode 1 (innate skill)",
    "2b": "Without SA, LNDPs tend to stop improving after episode 2",
    "2c": "SA models vary more between episodes",
    "3a": "NDP vs LNDP (both 100 SA steps): similar on CartPole",
    "3b": "Foraging: only the LNDP adapts within its lifetime",
    "4a": "Structural change concentrates in short critical periods [W]",
    "4b": "Final densities ≈ CartPole 0.79, Foraging 0.72, Acrobot 0.69, Pendulum 0.24 [W]",
}


def claims_table(results_dir, development=None):
    """One row per claim: claim, statement, task, result, verdict, rule.

    development: `development_statistics(results_dir)` if already computed (it records
    one lifetime per SP run, which compiles the model once per task).
    """
    import pandas as pd

    from lndp.experiments import resolve

    results_dir = resolve(results_dir)
    development = development_statistics(results_dir) if development is None else development
    rows = [
        _sp_beats(results_dir, "1a", "cartpole"),
        _sp_beats(results_dir, "1b", "foraging"),
        _sp_null(results_dir, "1c", "acrobot"),
        _pendulum_empty(results_dir),
        _innate_skill(results_dir),
        _stops_improving(results_dir),
        _variability(results_dir),
        _ndp_similar(results_dir),
        _only_lndp_adapts(results_dir),
        _critical_periods(development),
        _final_densities(development),
    ]
    table = pd.DataFrame(rows)
    table.insert(1, "statement", table.claim.map(CLAIMS))
    return table


def markdown_table(table, columns=("claim", "statement", "result", "verdict")) -> str:
    """A pipe table of some columns (cells' pipes escaped), for IPython's Markdown."""
    def cell(value):
        return str(value).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(row[c]) for c in columns) + " |"
              for _, row in table.iterrows()]
    return "\n".join(lines)


def finished_runs(results_dir):
    """One row per finished run folder: figure, task, condition, seed, generations,
    minutes of training, and whether this code made it (None: not recorded)."""
    import json
    from pathlib import Path

    import pandas as pd

    from lndp.train import made_by_this_code

    rows = []
    for path in sorted(Path(results_dir).glob("*/*/*/seed*/summary.json")):
        run, summary = path.parent, json.loads(path.read_text())
        rows.append({"figure": run.parents[2].name, "task": run.parents[1].name,
                     "condition": run.parent.name, "seed": int(run.name[4:]),
                     "generations": summary["generations"],
                     "minutes": summary.get("total_seconds", float("nan")) / 60,
                     "this_code": made_by_this_code(run)})
    return pd.DataFrame(rows, columns=["figure", "task", "condition", "seed", "generations",
                                       "minutes", "this_code"])


def reference_returns(runs) -> dict[str, tuple[float, str]]:
    """Reference lines for the figures, per task of `runs` under the runs' own task
    settings: on Foraging the best return a memoryless policy can expect (what a frozen
    network can do), elsewhere that of the best observation-blind policy (one constant
    action). Curves that end on such a line have learned nothing beyond it."""
    from lndp.train import load_config

    references = {}
    for run in runs.itertuples():
        if run.task in references:
            continue
        task = load_config(run.path).task
        if run.task == "foraging":
            ceiling = foraging_memoryless_ceiling(task.p_switch, task.max_steps)
            references["foraging"] = (ceiling, f"best memoryless policy ({ceiling:.1f})")
        else:
            _, value = constant_action_baseline(task)
            references[run.task] = (value, f"best {_constant_policy_name(run.task)} "
                                           f"({value:.1f})")
    return references
