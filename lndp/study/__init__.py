"""The study layer: what the committed runs say about the paper's claims. It only reads
(run folders, their caches, the plan); computing is the pipeline's (`lndp.pipeline`).

One concept per module, data flowing one way:

    stats        intervals and tests over seeds, with their assumptions
    evidence     gathering what each claim needs from the runs (reading, no judging)
    measures     the numbers the rules read (learnable range, lifetime statistics, flatness)
    rules        the paper's claims, one rule each, and the registry claim id → rule
    scope        each claim judged on its planned runs; interim until they are all in
    development  structural-change statistics read from recorded lifetimes
    power        seeds for a target power, what would decide a claim still open
    plan         the rules' registered hash, the changelog, the plan's tables
    tables       how verdicts, effects and stages read on a page (not hashed)
    compare      the same claims on the reference and the corrected model
    forest       the forest plot of the claims' effects

What decides a verdict (rules, measures, evidence, scope, stats and the task floors of
`lndp.envs.baselines`) is covered by the registered rules hash (`plan.RULE_FILES`).
"""
