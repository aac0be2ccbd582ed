"""The paper's claims, one verdict rule each, judged on gathered evidence (`RULES`).

Every rule reads an `lndp.study.evidence.Evidence` (per-seed numbers) and nothing else,
and every rule can end in either direction: "reproduced", "not reproduced", or
"inconclusive at this budget" (the evidence is too weak either way); "not run yet" when a
run it needs is missing. "Not reproduced" is one of two outcomes (`NOT_REPRODUCED`):
"contradicted at this budget" (the opposite of the claim, among conditions that learned)
or "not reached at this budget" (what the claim needs was not reached). Intervals are Student-t over seeds (`lndp.study.stats`).

A rule changes only with a dated entry in results/RULE_CHANGES.md and a new rules hash in
results/plan.json (`lndp.study.plan`); a test holds this file to that hash. The hash
covers what decides (code, numbers, the rules' own wording) and not the f-strings that
word each result: those are text, and so are the tables (`lndp.study.tables`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from lndp.design.figures import condition, label
from lndp.study import stats
from lndp.study.evidence import ConditionEvidence, Evidence, TaskFacts
from lndp.study.measures import TOP_FRACTION, learnable_range, seed_means

ALPHA = 0.05
#: "learned": the t interval of the mean final fitness lies above the task's floor by at
#: least this fraction of the learnable range (floor → best fitness any member reached)
LEARNED_FRACTION = 0.10
#: "no difference": TOST equivalence within ± this fraction of the learnable range
EQUIVALENCE_FRACTION = 0.10
CRITICAL_SHARE = 0.5  # "concentrates": at least half of all changes in the busiest 10 %
DENSITY_TOLERANCE = 0.1  # final density within ± this of the paper's value

REPRODUCED, NOT_RUN = "reproduced", "not run yet"
INCONCLUSIVE = "inconclusive at this budget"
#: a rule's registered "not reproduced", split by what it shows (results/PLAN.md,
#: "Verdicts that name their budget"): the opposite of the claim among conditions that
#: learned, or what the claim needs was not reached at this budget
CONTRADICTED, NOT_REACHED = "contradicted at this budget", "not reached at this budget"
NOT_REPRODUCED = (CONTRADICTED, NOT_REACHED)

#: final synapse densities the paper reports (second-hand summary [W], unverified)
PAPER_DENSITIES = {"cartpole": 0.79, "foraging": 0.72, "acrobot": 0.69, "pendulum": 0.24}

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


@dataclass
class Effect:
    """One row of the forest plot: our estimate with its 95 % interval, read against
    `null` in the paper's direction (">", "<" or "≈" within ± margin); values are
    divided by `scale` when plotted (unit says by what)."""

    label: str
    estimate: float
    lo: float
    hi: float
    expected: str
    null: float = 0.0
    margin: float = 0.0
    scale: float = 1.0
    unit: str = ""
    control: float | None = None  # the untrained control's estimate, if any


@dataclass
class Verdict:
    claim: str
    task: str
    result: str
    verdict: str
    rule: str
    effects: list[Effect] = field(default_factory=list)


def _ci(values) -> str:
    i = stats.t_interval(list(values))
    return f"{i.mean:.1f}" if i.n < 2 else f"{i.mean:.1f} [{i.lo:.1f}, {i.hi:.1f}]"


def _enough(*groups: dict) -> bool:
    return all(len(g) >= 2 for g in groups)


def _learned(values: dict, facts: TaskFacts, span: float) -> bool:
    return stats.t_interval(values.values()).lo >= facts.floor + LEARNED_FRACTION * span


def _diff_effect(label: str, a: dict, b: dict, expected: str, span: float,
                 margin: float = 0.0) -> tuple[stats.Comparison, Effect]:
    test = stats.welch(a.values(), b.values())
    return test, Effect(label, test.diff, test.lo, test.hi, expected, 0.0, margin, span,
                        "learnable range")


# -- 1: structural plasticity ---------------------------------------------------------------

SP_FIGURE = "structural_plasticity"
RULE_BEATS = (f"per initial-connectivity setting, SP minus no-SP final mean fitness (Welch); "
              f"reproduced if SP is higher with p < {ALPHA} in every setting; not reproduced "
              f"if no-SP is higher with p < {ALPHA} in any; otherwise inconclusive")
RULE_NULL = (f"both conditions must have learned (95 % t interval of the mean final fitness "
             f"above the task's floor by ≥ {LEARNED_FRACTION:.0%} of the learnable range, "
             f"floor → best fitness reached) and be equivalent (TOST, α = {ALPHA}, margin "
             f"± {EQUIVALENCE_FRACTION:.0%} of that range): reproduced; not reproduced if "
             f"they differ (Welch p < {ALPHA}) and are not equivalent; otherwise inconclusive")


def _sp_pairs(ev: Evidence, task: str) -> list[tuple[str, str, str]]:
    """(setting label, SP condition, no-SP condition) for every no-SP condition whose SP
    twin is in the evidence (twins share overrides apart from SP)."""
    names = ev.condition_names(SP_FIGURE, task)
    records = {n: condition(n) for n in names}
    pairs = []
    for nosp in (r for r in records.values() if not r.structural_plasticity):
        twin = [r for r in records.values() if r.structural_plasticity
                and (r.mu_conn, r.sigma_conn) == (nosp.mu_conn, nosp.sigma_conn)]
        if twin and _enough(ev.get(SP_FIGURE, task, twin[0].name).final,
                            ev.get(SP_FIGURE, task, nosp.name).final):
            pairs.append((f"μ {nosp.mu_conn:g}, σ {nosp.sigma_conn:g}", twin[0].name,
                          nosp.name))
    return pairs


def sp_beats(ev: Evidence, claim: str, task: str) -> Verdict:
    pairs = _sp_pairs(ev, task)
    rule = RULE_BEATS + ("; the max comparison is reported beside it, not part of the "
                         "verdict" if claim == "1b" else "")
    if not pairs:
        return Verdict(claim, task, "—", NOT_RUN, rule)
    facts, span = learnable_range(ev, SP_FIGURE, task,
                                  [c for _, a, b in pairs for c in (a, b)])
    parts, effects, wins, losses, contradicted = [], [], 0, 0, False
    for setting, sp, nosp in pairs:
        a, b = ev.get(SP_FIGURE, task, sp), ev.get(SP_FIGURE, task, nosp)
        test, effect = _diff_effect(f"{claim} {task}, {setting}: SP − no-SP", a.final,
                                    b.final, ">", span)
        effects.append(effect)
        wins += test.diff > 0 and test.p < ALPHA
        lost = test.diff < 0 and test.p < ALPHA
        losses += lost
        contradicted |= lost and _learned(a.final, facts, span) and _learned(b.final, facts, span)
        parts.append(f"{setting}: SP {_ci(a.final.values())} vs no-SP {_ci(b.final.values())}, "
                     f"p = {test.p:.2g}")
        if claim == "1b":  # the claim adds: the population *max* is similar
            maxima = stats.welch(a.final_max.values(), b.final_max.values())
            parts.append(f"max, {setting}: SP {_ci(a.final_max.values())} vs no-SP "
                         f"{_ci(b.final_max.values())}, p = {maxima.p:.2g}")
    verdict = ((CONTRADICTED if contradicted else NOT_REACHED) if losses else
               REPRODUCED if wins == len(pairs) else INCONCLUSIVE)
    return Verdict(claim, task, "; ".join(parts), verdict, rule, effects)


def _moved(c: ConditionEvidence) -> str:
    """Where training started and ended, mean over seeds."""
    return f"{np.mean(list(c.start.values())):.1f} → {np.mean(list(c.final.values())):.1f}"


def no_difference(ev: Evidence, claim: str, figure: str, task: str, a_name: str,
                  b_name: str, a_label: str, b_label: str) -> Verdict:
    """The rule of a "no difference" claim (1c, 3a): learned, then equivalent."""
    a, b = ev.get(figure, task, a_name), ev.get(figure, task, b_name)
    if not _enough(a.final, b.final) or (figure, task) not in ev.tasks:
        return Verdict(claim, task, "—", NOT_RUN, RULE_NULL)
    facts, span = learnable_range(ev, figure, task, (a_name, b_name))
    margin = EQUIVALENCE_FRACTION * span
    p_equivalent, narrow = stats.tost(a.final.values(), b.final.values(), margin)
    test, effect = _diff_effect(f"{claim} {task}: {a_label} − {b_label}", a.final, b.final,
                                "≈", span, margin)
    learned = {label: _learned(c.final, facts, span) for label, c in
               ((a_label, a), (b_label, b))}
    text = (f"{a_label} {_ci(a.final.values())} vs {b_label} {_ci(b.final.values())}; "
            f"difference {test.diff:.1f} [{test.lo:.1f}, {test.hi:.1f}], Welch p = "
            f"{test.p:.2g}; floor: {facts.floor_label}; learnable range {span:.1f} (best "
            f"fitness reached {facts.floor + span:.1f}); learned ({LEARNED_FRACTION:.0%} of the "
            f"range above the floor): " + ", ".join(f"{k} {'yes' if v else 'no'}"
                                                   for k, v in learned.items())
            + f"; equivalence margin ± {margin:.1f}: 90 % interval [{narrow.lo:.1f}, "
            f"{narrow.hi:.1f}], TOST p = {p_equivalent:.2g}; training moved the mean fitness "
            f"(first → last 10 generations): {a_label} {_moved(a)}, {b_label} {_moved(b)}")
    if all(learned.values()) and p_equivalent < ALPHA:
        verdict = REPRODUCED
    elif test.p < ALPHA and p_equivalent >= ALPHA:
        verdict = CONTRADICTED if all(learned.values()) else NOT_REACHED
    else:
        verdict = INCONCLUSIVE
    return Verdict(claim, task, text, verdict, RULE_NULL, [effect])


def acrobot_no_difference(ev: Evidence) -> Verdict:
    pairs = _sp_pairs(ev, "acrobot")
    if not pairs:
        return Verdict("1c", "acrobot", "—", NOT_RUN, RULE_NULL)
    verdicts = [no_difference(ev, "1c", SP_FIGURE, "acrobot", sp, nosp, f"SP ({setting})",
                              f"no-SP ({setting})") for setting, sp, nosp in pairs]
    outcome = (CONTRADICTED if any(v.verdict == CONTRADICTED for v in verdicts) else
               NOT_REACHED if any(v.verdict == NOT_REACHED for v in verdicts) else
               REPRODUCED if all(v.verdict == REPRODUCED for v in verdicts) else INCONCLUSIVE)
    return Verdict("1c", "acrobot", "; ".join(v.result for v in verdicts), outcome,
                   RULE_NULL + " (every setting)", [e for v in verdicts for e in v.effects])


def pendulum_empty(ev: Evidence, task: str = "pendulum") -> Verdict:
    best = "sp_mu0_sigma0.1"
    rule = (f"SP from an empty network with σ_conn 0.1 must have learned (as in 1c) and beat "
            f"every other condition with Welch p < {ALPHA}: reproduced; not reproduced if "
            f"another condition beats it with p < {ALPHA}; otherwise inconclusive")
    finals = {c: ev.get(SP_FIGURE, task, c).final for c in ev.condition_names(SP_FIGURE, task)}
    finals = {c: f for c, f in finals.items() if len(f) >= 2}
    if best not in finals or len(finals) < 2:
        return Verdict("1d", task, "—", NOT_RUN, rule)
    facts, span = learnable_range(ev, SP_FIGURE, task, finals)
    learned = _learned(finals[best], facts, span)
    parts, effects, tests = [f"{label(best)}: {_ci(finals[best].values())}"], [], {}
    for c, f in finals.items():
        if c == best:
            continue
        tests[c], effect = _diff_effect(f"1d {task}: {label(best)} − {label(c)}",
                                        finals[best], f, ">", span)
        effects.append(effect)
        parts.append(f"{label(c)}: {_ci(f.values())} (p = {tests[c].p:.2g})")
    parts.append(f"floor: {facts.floor_label}; {label(best)} learned: "
                 f"{'yes' if learned else 'no'}")
    if any(t.diff < 0 and t.p < ALPHA for t in tests.values()):
        verdict = CONTRADICTED if learned else NOT_REACHED
    elif learned and all(t.diff > 0 and t.p < ALPHA for t in tests.values()):
        verdict = REPRODUCED
    else:
        verdict = INCONCLUSIVE
    return Verdict("1d", task, "; ".join(parts), verdict, rule, effects)


# -- 2: spontaneous activity (CartPole, evaluation of the ES-mean parameters) -------------

SA_FIGURE = "spontaneous_activity"


def _episodes(ev: Evidence, condition: str) -> dict[int, np.ndarray]:
    return ev.get(SA_FIGURE, "cartpole", condition).episodes


def innate_skill(ev: Evidence) -> Verdict:
    rule = ("with SA, the ES-mean parameters' episode-1 return per seed; reproduced if the "
            "95 % t interval of its mean lies at or above 90 % of the episode's maximum; not "
            "reproduced if it lies below; otherwise inconclusive")
    sa = _episodes(ev, "sa_lndp")
    if len(sa) < 2 or (SA_FIGURE, "cartpole") not in ev.tasks:
        return Verdict("2a", "cartpole", "—", NOT_RUN, rule)
    top = ev.tasks[(SA_FIGURE, "cartpole")].max_return
    first = {s: v[0] for s, v in sa.items()}
    interval = stats.t_interval(first.values())
    text = (f"episode 1 with SA: {', '.join(f'{v:.1f}' for v in first.values())} per seed "
            f"({_ci(first.values())}; max {top:.0f})")
    nosa = _episodes(ev, "nosa_lndp")
    if len(nosa) >= 2:
        first_nosa = {s: v[0] for s, v in nosa.items()}
        text += (f"; without SA: {_ci(first_nosa.values())}, Welch p = "
                 f"{stats.welch(first.values(), first_nosa.values()).p:.2g}")
    verdict = (REPRODUCED if interval.lo >= 0.9 * top else
               NOT_REACHED if interval.hi < 0.9 * top else INCONCLUSIVE)
    effect = Effect("2a cartpole: SA episode-1 return", *interval[:3], ">", 0.9 * top,
                    scale=top, unit="maximum return")
    return Verdict("2a", "cartpole", text, verdict, rule, [effect])


def stops_improving(ev: Evidence) -> Verdict:
    rule = ("without SA, per seed: gain 1→2 = episode 2 − episode 1 return, gain 2→3 "
            "likewise (95 % t intervals over seeds); reproduced if gain 1→2 lies above 5 % of "
            "the maximum and gain 2→3 at or below it; not reproduced if gain 2→3 lies above "
            "it (it keeps improving); otherwise inconclusive (also when episode 1 is already "
            "≥ 90 % of the maximum: no room to improve)")
    nosa = _episodes(ev, "nosa_lndp")
    if len(nosa) < 2 or (SA_FIGURE, "cartpole") not in ev.tasks:
        return Verdict("2b", "cartpole", "—", NOT_RUN, rule)
    top = ev.tasks[(SA_FIGURE, "cartpole")].max_return
    episodes = np.stack(list(nosa.values()))
    gain12 = stats.t_interval(episodes[:, 1] - episodes[:, 0])
    gain23 = stats.t_interval(episodes[:, 2] - episodes[:, 1])
    threshold = 0.05 * top
    text = (f"without SA, mean return in episodes 1–3: "
            f"{', '.join(f'{m:.1f}' for m in episodes.mean(0))} (max {top:.0f}); gain 1→2 "
            f"{gain12.mean:+.1f} [{gain12.lo:.1f}, {gain12.hi:.1f}], 2→3 {gain23.mean:+.1f} "
            f"[{gain23.lo:.1f}, {gain23.hi:.1f}]; 5 % of the maximum = {threshold:.1f}")
    if episodes[:, 0].mean() >= 0.9 * top:
        verdict = INCONCLUSIVE
    elif gain23.lo > threshold:  # it keeps improving: the opposite, observed
        verdict = CONTRADICTED
    elif gain12.lo > threshold and gain23.hi <= threshold:
        verdict = REPRODUCED
    else:
        verdict = INCONCLUSIVE
    effects = [Effect("2b cartpole: no-SA gain episode 1→2", *gain12[:3], ">", threshold,
                      scale=top, unit="maximum return"),
               Effect("2b cartpole: no-SA gain episode 2→3", *gain23[:3], "<", threshold,
                      scale=top, unit="maximum return")]
    return Verdict("2b", "cartpole", text, verdict, rule, effects)


def variability(ev: Evidence) -> Verdict:
    rule = (f"per seed, the mean over evaluation lifetimes of the standard deviation of the "
            f"episode returns; reproduced if SA's is higher than no-SA's with Welch p < "
            f"{ALPHA}; not reproduced if lower with p < {ALPHA}; otherwise inconclusive")
    sa = ev.get(SA_FIGURE, "cartpole", "sa_lndp").episode_sd
    nosa = ev.get(SA_FIGURE, "cartpole", "nosa_lndp").episode_sd
    if not _enough(sa, nosa) or (SA_FIGURE, "cartpole") not in ev.tasks:
        return Verdict("2c", "cartpole", "—", NOT_RUN, rule)
    top = ev.tasks[(SA_FIGURE, "cartpole")].max_return
    test = stats.welch(sa.values(), nosa.values())
    text = (f"between-episode s.d. with SA {_ci(sa.values())} vs without {_ci(nosa.values())},"
            f" difference {test.diff:.1f} [{test.lo:.1f}, {test.hi:.1f}], p = {test.p:.2g}")
    facts, span = learnable_range(ev, SA_FIGURE, "cartpole", ("sa_lndp", "nosa_lndp"))
    trained = {c: ev.get(SA_FIGURE, "cartpole", c).final for c in ("sa_lndp", "nosa_lndp")}
    learned = {c: _enough(f) and _learned(f, facts, span) for c, f in trained.items()}
    both_learned = all(learned.values())
    text += (f"; learned in training ({LEARNED_FRACTION:.0%} of the range above the floor): "
             f"with SA {'yes' if learned['sa_lndp'] else 'no'}, without "
             f"{'yes' if learned['nosa_lndp'] else 'no'}")
    verdict = (REPRODUCED if test.diff > 0 and test.p < ALPHA else
               (CONTRADICTED if both_learned else NOT_REACHED)
               if test.diff < 0 and test.p < ALPHA else INCONCLUSIVE)
    effect = Effect("2c cartpole: s.d. SA − no SA", test.diff, test.lo, test.hi, ">",
                    scale=top, unit="maximum return")
    return Verdict("2c", "cartpole", text, verdict, rule, [effect])


# -- 3: NDP vs LNDP -------------------------------------------------------------------------

NDP_FIGURE = "ndp_vs_lndp"


def ndp_similar(ev: Evidence) -> Verdict:
    verdict = no_difference(ev, "3a", NDP_FIGURE, "cartpole", "lndp", "ndp", "LNDP", "NDP")
    verdict.rule += " (final mean population fitness)"
    return verdict


def only_lndp_adapts(ev: Evidence) -> Verdict:
    rule = ("a run adapts if its ES-mean parameters' mean return per episode over the "
            "evaluation lifetimes minus 2 standard errors exceeds the best return any "
            "memoryless position → action policy can expect (exact; what a frozen network "
            "is); reproduced if every LNDP seed adapts and no NDP seed does; not reproduced "
            "if no LNDP seed adapts or an NDP seed does; otherwise inconclusive")
    sides = {c: ev.get(NDP_FIGURE, "foraging", c) for c in ("lndp", "ndp")}
    if any(len(s.lifetime_mean) < 2 for s in sides.values()) or \
            (NDP_FIGURE, "foraging") not in ev.tasks:
        return Verdict("3b", "foraging", "—", NOT_RUN, rule)
    ceiling = ev.tasks[(NDP_FIGURE, "foraging")].floor
    adapts = {c: [s.lifetime_mean[k] - 2 * s.lifetime_se[k] > ceiling for k in s.lifetime_mean]
              for c, s in sides.items()}
    lndp, ndp = sides["lndp"], sides["ndp"]
    training = stats.welch(lndp.final.values(), ndp.final.values()) \
        if _enough(lndp.final, ndp.final) else None
    text = (f"memoryless ceiling {ceiling:.2f}; evaluation (ES mean) LNDP "
            f"{', '.join(f'{m:.1f}' for m in lndp.lifetime_mean.values())} vs NDP "
            f"{', '.join(f'{m:.1f}' for m in ndp.lifetime_mean.values())}: "
            f"{sum(adapts['lndp'])} of {len(adapts['lndp'])} LNDP and {sum(adapts['ndp'])} of "
            f"{len(adapts['ndp'])} NDP seeds above it")
    if training is not None:
        text += (f"; final training fitness LNDP {_ci(lndp.final.values())} vs NDP "
                 f"{_ci(ndp.final.values())}, p = {training.p:.2g}")
    if all(adapts["lndp"]) and not any(adapts["ndp"]):
        verdict = REPRODUCED
    elif any(adapts["ndp"]):  # a frozen network adapts: the opposite, observed
        verdict = CONTRADICTED
    elif not any(adapts["lndp"]):
        verdict = NOT_REACHED
    else:
        verdict = INCONCLUSIVE
    effects = []
    for name, expected in (("lndp", ">"), ("ndp", "<")):
        i = stats.t_interval(sides[name].lifetime_mean.values())
        effects.append(Effect(f"3b foraging: {name.upper()} evaluation − ceiling",
                              i.mean - ceiling, i.lo - ceiling, i.hi - ceiling, expected,
                              scale=ceiling, unit="memoryless ceiling"))
    return Verdict("3b", "foraging", text, verdict, rule, effects)


# -- 4: network development (per task: seeds × recorded lifetimes) ------------------------

def critical_periods(ev: Evidence) -> Verdict:
    rule = (f"per recorded lifetime (several per seed, each from its own initial graph): the "
            f"share of synapse additions and prunings in its busiest {TOP_FRACTION:.0%} of "
            f"steps, counted only with ≥ 2 × that many steps' worth of changes; per seed the "
            f"mean share over such lifetimes (a seed where most lifetimes have fewer changes "
            f"has none). A task concentrates if ≥ 2 seeds have a share, the 95 % t interval of "
            f"their mean lies at or above {CRITICAL_SHARE:.0%}, and the evolved share exceeds "
            f"the untrained control's (paired t interval above 0; or the control makes too "
            f"few changes to measure). Reproduced if every task run concentrates; not "
            f"reproduced if, in every task with ≥ 2 measurable seeds, the interval lies below "
            f"{CRITICAL_SHARE:.0%} or the evolved share is not above the control's (interval "
            f"at or below 0); otherwise inconclusive")
    dev = ev.development
    if dev.empty:
        return Verdict("4a", "all", "—", NOT_RUN, rule)
    parts, outcomes, effects = [], {}, []
    for task, group in dev.groupby("task", sort=False):
        evolved = seed_means(group, "evolved", "top_share", measurable_only=True)
        control = seed_means(group, "untrained", "top_share", measurable_only=True)
        n_seeds, lives = group.seed.nunique(), group[group.parameters == "evolved"]
        changes = f"median {lives.changes.median():.0f} changes per lifetime"
        if len(evolved) < 2:
            outcomes[task] = "unmeasurable"
            parts.append(f"{task}: {len(evolved)} of {n_seeds} seeds with enough structural "
                         f"change to measure ({changes})")
            continue
        share = stats.t_interval(evolved.values())
        both = sorted(set(evolved) & set(control))
        if len(control) < 2:
            versus, above, not_above = "untrained: too few changes to measure", True, False
        elif len(both) >= 2:
            gap = stats.paired([evolved[s] for s in both], [control[s] for s in both])
            versus = f"evolved − untrained {gap.diff:+.2f} [{gap.lo:.2f}, {gap.hi:.2f}]"
            above, not_above = gap.lo > 0, gap.hi <= 0
        else:
            versus, above, not_above = "untrained: too few paired seeds", False, False
        concentrated = share.lo >= CRITICAL_SHARE and above
        spread = share.hi < CRITICAL_SHARE or not_above
        outcomes[task] = "concentrated" if concentrated else "spread" if spread else "unclear"
        parts.append(f"{task}: {share.mean:.0%} [{share.lo:.0%}, {share.hi:.0%}] of changes in "
                     f"the busiest {TOP_FRACTION:.0%} of steps over {len(evolved)} seeds "
                     f"({changes}); {versus}")
        effects.append(Effect(f"4a {task}: evolved share in busiest 10 %", share.mean,
                              share.lo, share.hi, ">", CRITICAL_SHARE, unit="share",
                              control=float(np.mean(list(control.values()))) if control
                              else None))
    tasks = list(outcomes)
    missing = [t for t in PAPER_DENSITIES if t not in tasks]
    text = "; ".join(parts) + (f" (not run yet: {', '.join(missing)})" if missing else "")
    measured = [o for o in outcomes.values() if o != "unmeasurable"]
    if all(o == "concentrated" for o in outcomes.values()):
        verdict = REPRODUCED
    elif measured and all(o == "spread" for o in measured):
        verdict = CONTRADICTED  # measured, and spread out
    else:
        verdict = INCONCLUSIVE
    return Verdict("4a", ", ".join(tasks), text, verdict, rule, effects)


def final_densities(ev: Evidence) -> Verdict:
    rule = (f"final density per seed (mean over its recorded lifetimes); reproduced if, for "
            f"every task run, the 95 % t interval over seeds lies within ± "
            f"{DENSITY_TOLERANCE} of the paper's value and the evolved density differs from "
            f"the untrained control's (paired t interval excludes 0); not reproduced if, for "
            f"any task, the interval lies entirely more than {DENSITY_TOLERANCE} away from "
            f"the paper's value; otherwise inconclusive")
    dev = ev.development
    if dev.empty:
        return Verdict("4b", "all", "—", NOT_RUN, rule)
    parts, effects, inside, outside = [], [], [], []
    for task, group in dev.groupby("task", sort=False):
        evolved = seed_means(group, "evolved", "final_density")
        control = seed_means(group, "untrained", "final_density")
        paper = PAPER_DENSITIES[task]
        if len(evolved) < 2:
            parts.append(f"{task}: {len(evolved)} seed (need 2)")
            inside.append(False)
            continue
        i = stats.t_interval(evolved.values())
        both = sorted(set(evolved) & set(control))
        differs = False
        versus = ""
        if len(both) >= 2:
            gap = stats.paired([evolved[s] for s in both], [control[s] for s in both])
            differs = gap.lo > 0 or gap.hi < 0
            versus = f"; untrained {np.mean([control[s] for s in both]):.2f} " \
                     f"(difference [{gap.lo:+.2f}, {gap.hi:+.2f}])"
        inside.append(i.lo >= paper - DENSITY_TOLERANCE and i.hi <= paper + DENSITY_TOLERANCE
                      and differs)
        outside.append(i.lo > paper + DENSITY_TOLERANCE or i.hi < paper - DENSITY_TOLERANCE)
        parts.append(f"{task}: {i.mean:.2f} [{i.lo:.2f}, {i.hi:.2f}] (paper {paper}){versus}")
        effects.append(Effect(f"4b {task}: final density − paper", i.mean - paper,
                              i.lo - paper, i.hi - paper, "≈", 0.0, DENSITY_TOLERANCE,
                              unit="density",
                              control=float(np.mean(list(control.values()))) - paper
                              if control else None))
    tasks = list(dev.task.unique())
    missing = [t for t in PAPER_DENSITIES if t not in tasks]
    text = "; ".join(parts) + (f" (not run yet: {', '.join(missing)})" if missing else "")
    verdict = (NOT_REACHED if any(outside) else
               REPRODUCED if all(inside) else INCONCLUSIVE)
    return Verdict("4b", ", ".join(tasks), text, verdict, rule, effects)


# -- the registry: claim id → rule ----------------------------------------------------------

@dataclass(frozen=True)
class Comparison:
    """Two conditions a rule compares seed by seed, as the power advice reads them:
    `kind` "difference" (Welch) or "equivalence" (TOST), on the per-seed `field` of their
    evidence, in units of the task's learnable range or its maximum return (`span`)."""

    setting: str
    figure: str
    task: str
    a: str
    b: str
    field: str = "final"
    kind: str = "difference"
    span: str = "learnable range"  # or "maximum return"


@dataclass(frozen=True)
class Rule:
    """One claim's rule: its verdict, and what more data could decide it. `advice` says
    which: "comparisons" (seeds for the `comparisons`' tests), "plateau" (2b's gains),
    "concentration" (4a's shares), or "level" (a level against a line: more training,
    not more seeds)."""

    claim: str
    judge: Callable[[Evidence], Verdict]
    advice: str = "level"
    comparisons: Callable[[Evidence], list[Comparison]] = lambda ev: []
    reads: tuple[tuple[str, str, str], ...] = ()  # (figure, task, condition) it reads

    @property
    def statement(self) -> str:
        return CLAIMS[self.claim]


def _sp_comparisons(task: str, kind: str) -> Callable[[Evidence], list[Comparison]]:
    return lambda ev: [Comparison(setting, SP_FIGURE, task, a, b, kind=kind)
                       for setting, a, b in _sp_pairs(ev, task)]


RULES: dict[str, Rule] = {rule.claim: rule for rule in (
    Rule("1a", lambda ev: sp_beats(ev, "1a", "cartpole"), "comparisons",
         _sp_comparisons("cartpole", "difference")),
    Rule("1b", lambda ev: sp_beats(ev, "1b", "foraging"), "comparisons",
         _sp_comparisons("foraging", "difference")),
    Rule("1c", acrobot_no_difference, "comparisons",
         _sp_comparisons("acrobot", "equivalence")),
    Rule("1d", pendulum_empty),
    Rule("2a", innate_skill),
    Rule("2b", stops_improving, "plateau",
         reads=((SA_FIGURE, "cartpole", "nosa_lndp"),)),
    Rule("2c", variability, "comparisons", lambda ev: [Comparison(
        "SA vs no SA", SA_FIGURE, "cartpole", "sa_lndp", "nosa_lndp", "episode_sd",
        span="maximum return")]),
    Rule("3a", ndp_similar, "comparisons", lambda ev: [Comparison(
        "LNDP vs NDP", NDP_FIGURE, "cartpole", "lndp", "ndp", kind="equivalence")]),
    Rule("3b", only_lndp_adapts),
    Rule("4a", critical_periods, "concentration"),
    Rule("4b", final_densities),
)}
assert list(RULES) == list(CLAIMS), "every claim has exactly one rule, in CLAIMS order"


def verdicts(ev: Evidence) -> list[Verdict]:
    """Every claim's verdict, in CLAIMS order."""
    return [rule.judge(ev) for rule in RULES.values()]


__all__ = ["CLAIMS", "RULES", "Rule", "Comparison", "Effect", "Verdict", "verdicts",
           "REPRODUCED", "CONTRADICTED", "NOT_REACHED", "NOT_REPRODUCED", "INCONCLUSIVE",
           "NOT_RUN", "PAPER_DENSITIES",
           "ALPHA", "LEARNED_FRACTION", "EQUIVALENCE_FRACTION", "CRITICAL_SHARE"]
