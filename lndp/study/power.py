"""Planning how much is enough: seeds for a target power, and whether curves have flattened.

Used before runs (sizing a plan section from pilot runs) and after them (saying what
budget would decide a claim still inconclusive). Nothing here judges a claim: the rules
are in `lndp.study.claims`. Power is computed by simulation of the rule's own test on
normal per-seed numbers with the pilot's means and standard deviations, so it holds for
Welch's test at the small seed counts used (where normal approximations flatter it).
"""

from __future__ import annotations

import json
from typing import Iterable

import numpy as np
import pandas as pd
from scipy import stats as _scipy

from lndp.design.figures import label
from lndp.design.layout import finished_seeds, run_dir
from lndp.design.plan import planned_runs
from lndp.runfolder import load_config, log_mean, read_evaluation, read_log
from lndp.study import stats
from lndp.study.evidence import LAST, Evidence, gather, task_facts
from lndp.study.measures import flatness, learnable_range, seed_means
from lndp.study.rules import (ALPHA, CRITICAL_SHARE, EQUIVALENCE_FRACTION, INCONCLUSIVE,
                              RULES, Verdict)
from lndp.study.scope import Judgement

TARGET = 0.80


def _simulated_welch(difference: float, sd_a: float, sd_b: float, n: int, sims: int,
                     seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`sims` simulated experiments of n normal seeds per group (true a − b =
    `difference`): each one's difference of means, Welch standard error and
    Welch–Satterthwaite degrees of freedom."""
    rng = np.random.default_rng(seed)
    a = rng.normal(difference, max(sd_a, 1e-12), (sims, n))
    b = rng.normal(0.0, max(sd_b, 1e-12), (sims, n))
    va, vb = a.var(axis=1, ddof=1) / n, b.var(axis=1, ddof=1) / n
    df = (va + vb) ** 2 / (va ** 2 / (n - 1) + vb ** 2 / (n - 1))
    return a.mean(axis=1) - b.mean(axis=1), np.sqrt(va + vb), df


def welch_power(effect: float, sd_a: float, sd_b: float, n: int, alpha: float = ALPHA,
                sims: int = 20_000, seed: int = 0) -> float:
    """Probability that Welch's test finds a > b with two-sided p < alpha, n seeds each,
    when the true difference is `effect` (a − b) and the seed-to-seed s.d. are given."""
    d, se, df = _simulated_welch(effect, sd_a, sd_b, n, sims, seed)
    t = d / se
    return float(np.mean((t > 0) & (2 * _scipy.t.sf(np.abs(t), df) < alpha)))


def tost_power(difference: float, sd_a: float, sd_b: float, margin: float, n: int,
               alpha: float = ALPHA, sims: int = 20_000, seed: int = 0) -> float:
    """Probability that TOST (two one-sided Welch tests) shows |a − b| < margin with n
    seeds each, when the true difference is `difference`."""
    d, se, df = _simulated_welch(difference, sd_a, sd_b, n, sims, seed)
    p = np.maximum(_scipy.t.sf((d + margin) / se, df), _scipy.t.cdf((d - margin) / se, df))
    return float(np.mean(p < alpha))


def interval_power(mean: float, sd: float, line: float, n: int, sims: int = 20_000,
                   seed: int = 0) -> float:
    """Probability that the 95 % t interval of n normal seeds (true mean `mean`, s.d.
    `sd`) lies wholly on the mean's side of `line`: rules that read a level against a
    threshold (claim 4a's share of changes, 2b's gains)."""
    rng = np.random.default_rng(seed)
    draws = rng.normal(mean, max(sd, 1e-12), (sims, n))
    half = _scipy.t.ppf(0.975, n - 1) * draws.std(axis=1, ddof=1) / np.sqrt(n)
    centre = draws.mean(axis=1)
    cleared = centre - half >= line if mean >= line else centre + half < line
    return float(np.mean(cleared))


def seeds_for(power, target: float = TARGET, n_min: int = 5, n_max: int = 30) -> int | None:
    """The smallest n in [n_min, n_max] with power(n) ≥ target (None if none is)."""
    for n in range(n_min, n_max + 1):
        if power(n) >= target:
            return n
    return None


def _same_runs(folders: dict) -> str | None:
    """What makes two conditions' rows the same runs (one copied for another figure, e.g.
    'LNDP without SA' is SP μ 0.5 on CartPole): their seeds and every config field but the
    seed. None without runs."""
    if not folders:
        return None
    config = load_config(next(iter(folders.values()))).to_dict()
    config["train"].pop("seed", None)
    return json.dumps([sorted(folders), config], sort_keys=True)


def curve_summary(results_dir, current_only: bool = False,
                  figures: Iterable[str] | None = None) -> "pd.DataFrame":
    """Per figure × task × condition of the finished runs under results_dir: seeds, the
    start and final mean fitness (first and last 10 generations; mean and s.d. over
    seeds), the task's floor, the curves' flatness over the learnable range floor → best
    fitness reached, and the mean seconds per generation on the machine that trained them
    (what the next budget costs). Runs serving several figures (copies of one run) give
    one row, under the first of them; `also` lists the others as (figure, condition).
    `figures`: only these figures' runs (default: all)."""
    ev = gather(results_dir, current_only=current_only)
    rows, seen = [], {}
    for (figure, task, condition), c in sorted(ev.conditions.items()):
        if figures is not None and figure not in figures:
            continue
        folders = finished_seeds(results_dir, figure, task, condition, current_only)
        identity = _same_runs(folders)
        if identity is not None and identity in seen:
            seen[identity]["also"].append((figure, condition))
            continue
        final = np.array(list(c.final.values()))
        facts, span = learnable_range(ev, figure, task, [condition])
        flat = flatness(folders.values(), span)
        seconds = [float(r["seconds"]) for f in folders.values() for r in read_log(f)
                   if r.get("seconds")]
        rows.append({"figure": figure, "task": task, "condition": condition, "also": [],
                     "seeds": len(final), "start": np.mean(list(c.start.values())),
                     "final": final.mean(), "final_sd": final.std(ddof=1) if len(final) > 1
                     else float("nan"), "floor": facts.floor, "best": facts.floor + span,
                     "further_gain": flat.gain, "further_gain_hi": flat.hi,
                     "flattened": flat.flattened,
                     "seconds_per_generation": float(np.mean(seconds)) if seconds
                     else float("nan")})
        if identity is not None:
            seen[identity] = rows[-1]
    return pd.DataFrame(rows)


def _needed(power_at, n_now: int) -> str:
    n = seeds_for(power_at, n_min=max(n_now, 2), n_max=60)
    return f"{n} seeds per condition" if n else "more than 60 seeds per condition"


def _seeds_to_clear(mean: float, sd: float, line: float, n_now: int,
                    n_max: int = 60) -> int | None:
    """Seeds (at least n_now) at which the 95 % t interval of normal per-seed values with
    this mean and s.d. would lie wholly on the mean's side of `line` with 80 % power
    (None: more than n_max)."""
    return seeds_for(lambda n: interval_power(mean, sd, line, n), n_min=max(n_now, 2),
                     n_max=n_max)


def _plateau_needed(gain12, gain23, n_now: int) -> str:
    """2b ("stops improving after episode 2"): what its two gains (the verdict's effects,
    each against the rule's threshold) would need, at the spread observed."""
    line = gain12.null
    if gain12.estimate <= line and gain23.estimate <= line:
        return (f"more seeds would not decide it: the observed gains (episode 1→2 "
                f"{gain12.estimate:+.1f}, 2→3 {gain23.estimate:+.1f}) both lie below the "
                f"{line:.1f} the rule reads, where it has no verdict; it needs training at "
                f"which the LNDP without SA gains more than {line:.1f} from episode 1 to 2")
    parts = []
    for effect, outcome in ((gain12, "a plateau (with gain 2→3 at or below it)"),
                            (gain23, "'keeps improving' (not reproduced)")):
        if effect.estimate > line:
            sd = (effect.hi - effect.lo) / 2 * np.sqrt(n_now) / _scipy.t.ppf(0.975, n_now - 1)
            n = _seeds_to_clear(effect.estimate, sd, line, n_now)
            parts.append(f"{n or 'more than 60'} seeds for the interval of the observed "
                         f"{effect.label.split(': ')[-1]} ({effect.estimate:+.1f}) to clear "
                         f"{line:.1f} with 80 % power: {outcome}")
    return "; ".join(parts)


def _straddle_needed(values, line: float, n_max: int = 200) -> int | None | bool:
    """`_seeds_to_clear` for per-seed values like these (None: more than n_max); False
    when their 95 % t interval already lies on one side of `line`."""
    interval = stats.t_interval(values)
    if interval.lo >= line or interval.hi < line:
        return False
    return _seeds_to_clear(interval.mean, float(np.std(list(values), ddof=1)), line,
                           interval.n, n_max)


def _concentration_needed(development: "pd.DataFrame") -> str:
    """4a ("changes concentrate in critical periods"): per task whose interval of the
    evolved share straddles the rule's line (or whose excess over the untrained control's
    share straddles 0), the seeds with measurable lifetimes that would put it on one side
    with 80 % power, if the per-seed values are as observed."""
    parts = []
    for task, group in development.groupby("task", sort=False):
        shares = seed_means(group, "evolved", "top_share", measurable_only=True)
        control = seed_means(group, "untrained", "top_share", measurable_only=True)
        if len(shares) < 2:
            parts.append(f"{task}: fewer than 2 seeds with enough changes to measure; it "
                         f"needs training at which the networks keep changing")
            continue
        values = np.array(list(shares.values()))
        n = _straddle_needed(values, CRITICAL_SHARE)
        if n is not False:
            side = "at or above" if values.mean() >= CRITICAL_SHARE else "below"
            parts.append(f"{task}: share {values.mean():.0%}, s.d. {values.std(ddof=1):.0%} "
                         f"over {len(values)} seeds; {n or 'more than 200'} seeds for its "
                         f"interval to lie {side} {CRITICAL_SHARE:.0%} with 80 % power "
                         f"(normal approximation), if the share is as observed")
        paired = sorted(set(shares) & set(control))
        if len(control) >= 2 and len(paired) >= 2:
            gaps = [shares[k] - control[k] for k in paired]
            n = _straddle_needed(gaps, 0.0)
            if n is not False:
                parts.append(f"{task}: evolved − untrained share {np.mean(gaps):+.2f} over "
                             f"{len(gaps)} paired seeds; {n or 'more than 200'} seeds for "
                             f"its interval to exclude 0 with 80 % power")
    return "; ".join(parts) if parts else "every task's intervals are on one side of the lines"


def decisive_seeds(ev: Evidence, verdicts: list[Verdict]) -> pd.DataFrame:
    """For each claim still inconclusive: the seeds per condition its rule would need for
    80 % power at the seed-to-seed spread observed, for the effect the plan sizes for
    (10 % of the learnable range; the observed difference for "no difference" claims), or
    why seeds cannot decide it (a level that training has not reached needs more
    generations, not more seeds). What each rule compares is its registry entry's
    (`lndp.study.rules.RULES`)."""
    rows = []
    for verdict in verdicts:
        if verdict.verdict != INCONCLUSIVE:
            continue
        claim, task, rule = verdict.claim, verdict.task, RULES[verdict.claim]
        if rule.advice == "plateau" and len(verdict.effects) == 2:
            n_now = len(ev.get(*rule.reads[0]).episodes)
            rows.append({"claim": claim, "comparison": task,
                         "needed": _plateau_needed(*verdict.effects, n_now)})
            continue
        if rule.advice == "concentration":
            rows.append({"claim": claim, "comparison": task,
                         "needed": _concentration_needed(ev.development)})
            continue
        comparisons = rule.comparisons(ev)
        if not comparisons:
            rows.append({"claim": claim, "comparison": task, "needed":
                         "the rule reads a level (a return, a share of changes, a density) "
                         "against a threshold: more seeds (at least 2 per task) narrow its "
                         "interval, but an interval that straddles the threshold at the "
                         "planned seeds needs longer training to move"})
            continue
        for c in comparisons:
            a = getattr(ev.get(c.figure, c.task, c.a), c.field)
            b = getattr(ev.get(c.figure, c.task, c.b), c.field)
            if len(a) < 2 or len(b) < 2:
                continue
            span = (ev.tasks[(c.figure, c.task)].max_return or 1.0) \
                if c.span == "maximum return" else \
                learnable_range(ev, c.figure, c.task, (c.a, c.b))[1]
            sd_a = float(np.std(list(a.values()), ddof=1))
            sd_b = float(np.std(list(b.values()), ddof=1))
            n_now = min(len(a), len(b))
            observed = float(np.mean(list(a.values())) - np.mean(list(b.values())))
            if c.kind == "equivalence":
                margin = EQUIVALENCE_FRACTION * span
                needed = _needed(lambda n: tost_power(observed, sd_a, sd_b, margin, n), n_now)
                needed += ("; and both conditions must first learn (more generations)")
            else:
                effect = EQUIVALENCE_FRACTION * span
                needed = (_needed(lambda n: welch_power(effect, sd_a, sd_b, n), n_now)
                          + f" to find a difference of {effect:.1f} (10 % of the {c.span})")
                if 0 < observed < effect:
                    needed += (f"; {_needed(lambda n: welch_power(observed, sd_a, sd_b, n), n_now)}"
                               f" to find the observed {observed:.1f}")
                elif observed < 0:
                    reverse = _needed(lambda n: welch_power(-observed, sd_b, sd_a, n), n_now)
                    needed += (f"; the observed difference ({observed:.1f}) goes the other "
                               f"way: {reverse} to show it (the rule's 'not reproduced')")
            rows.append({"claim": claim, "comparison": f"{c.task}, {c.setting}",
                         "needed": needed})
    return pd.DataFrame(rows, columns=["claim", "comparison", "needed"])


def open_claims(judged: list[Judgement]) -> pd.DataFrame:
    """For every claim whose planned runs are all in and still inconclusive: what would
    decide it (`lndp.study.power.decisive_seeds`, on the evidence it was judged on)."""
    parts = [decisive_seeds(j.evidence, [j.verdict]) for j in judged if not j.interim]
    parts = [p for p in parts if len(p)]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


#: what each pilot must show to open its claim's long runs (results/PLAN.md, "Long-budget
#: pilots", registered 2026-12-01 09:50 UTC): the measure, and its line from the floor and
#: the learnable range
PILOT_LEVELS = {
    "1b": ("final fitness", lambda floor, span: floor + 0.1 * span),
    "3b": ("ES-mean evaluation return", lambda floor, span: floor),
    "2a": ("ES-mean episode-1 return", lambda floor, span: 450.0),
}
#: a pilot still rising: expected further gain above this share of the learnable range
PILOT_RISING = 0.05


def _pilot_level(claim: str, evaluation: "pd.DataFrame | None", final: float):
    """The value a pilot's claim reads (None: not yet measured)."""
    if claim == "1b":
        return final
    if evaluation is None or not len(evaluation):
        return None
    returns = evaluation if claim == "3b" else evaluation[evaluation.episode == 1]
    return float(returns["return"].mean())


def pilot_outcomes(plan: dict, section: str, results_dir) -> pd.DataFrame:
    """One row per pilot run of a plan section (`planned_runs`) and claim: generations
    done of planned, its final fitness, the expected further gain against PILOT_RISING
    of the learnable range (floor → the best fitness it reached), the level its claim
    reads against the line it must cross (PILOT_LEVELS), and what the registered
    criterion says: long runs or not (*running* until the pilot has finished)."""
    rows = []
    scale = plan["scales"][section]["scale"]
    for planned in planned_runs(plan, section):
        run = run_dir(results_dir, planned.figure, planned.task, planned.condition,
                      planned.seed)
        log = read_log(run) if (run / "log.csv").exists() else []
        generations = planned.config(scale).train.generations
        for claim in planned.claims:
            row = {"claim": claim,
                   "pilot": f"{planned.task}: {label(planned.condition)}, seed {planned.seed}",
                   "generations": f"{len(log):,} of {generations:,}"}
            if not (len(log) >= generations and (run / "summary.json").exists()):
                rows.append({**row, "decision": "running" if log else "not started"})
                continue
            final = log_mean(run, "fitness_mean", LAST)
            floor = task_facts(load_config(run).task).floor
            span = max(max(float(r["best_so_far"]) for r in log) - floor, 1e-9)
            gain = flatness([run], span).gain
            measure, line = PILOT_LEVELS[claim]
            level = _pilot_level(claim, read_evaluation(run), final)
            rising = gain > PILOT_RISING * span
            crossed = level is not None and level >= line(floor, span)
            reached = ("not measured yet" if level is None else
                       f"{level:.1f} against {line(floor, span):.1f}")
            rows.append({**row, "final fitness": final, "further gain": gain,
                         "rising above": PILOT_RISING * span,
                         "its claim needs": f"{measure}: {reached}",
                         "decision": ("long runs" if rising or crossed else "no long runs")
                         + (" (level not measured)" if level is None else "")})
    return pd.DataFrame(rows)


__all__ = ["TARGET", "welch_power", "tost_power", "interval_power", "seeds_for",
           "curve_summary", "decisive_seeds", "open_claims", "PILOT_LEVELS", "PILOT_RISING",
           "pilot_outcomes"]
