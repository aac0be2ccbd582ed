"""The study layer: what the committed runs say about the paper's claims.

One concept per module, data flowing one way:

    runs         the results layout <figure>/<task>/<condition>/seed<k> and reading run
                 folders (logs, configs, parameters, evaluations, code hash)
    stats        intervals and tests over seeds, with their assumptions
    development  recording lifetimes of trained runs, structural-change statistics, one cache
    evidence     gathering what each claim needs from the runs (reading, no judging)
    claims       the paper's claims and one rule each, judging gathered evidence; the table
    plan         the pre-registration (results/plan.json), the rules' hash, budgets
    scope        each claim judged on its planned runs; interim until they are all in
    power        seeds for a target power and whether training curves have flattened
    queue        resumable run queues over a plan section, one per CPU core
    replay       whether this code still makes a run (exact replay of its first generations)
    compare      the same claims on the reference and the corrected model
    forest       the forest plot of the claims' effects

Task baselines (what an observation-blind or memoryless policy can do) live next to the
environments, in `lndp.envs.baselines`.
"""
