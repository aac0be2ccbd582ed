"""Regenerate the thin figure notebooks in notebooks/ (no outputs). Run from the repo root:
python tools/make_notebooks.py"""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

REPO = "https://github.com/lndp-replication/lndp"

PARAMETERS = '''\
# Parameters (papermill injects its values in the next cell)
scale = "smoke"  # "smoke" (CI) | "reduced" (2-core CPU) | "paper" (GPU)
seeds = None  # None: the scale's default (1, 3, 5); a count; or a list
results_dir = None  # None: the scale's folder (results/ at reduced, results_paper/ at paper)
figures_dir = "figures"  # <name>.png, .svg and .csv go here
retrain = False  # True: retrain even where finished runs exist
train_missing = True  # False: plot only the finished runs found, never train'''

COLAB = f'''\
import sys

if "google.colab" in sys.modules:  # on Colab: install this project first
    !pip install -q git+{REPO}'''

IMPORTS = '''\
import lndp  # noqa: F401  (before jax: every CPU core becomes a device)
import jax

from lndp import claims, experiments, plots

platform = jax.devices()[0].platform
print(f"jax {jax.__version__}, {jax.device_count()} {platform} device(s)")'''

SMOKE_NOTE = ("At `scale = \"smoke\"` (3 generations of a population of 8) the plots only show "
              "that the pipeline runs end to end; they say nothing about the claims. The "
              "[results page](results.ipynb) compares the `reduced` runs with the paper.")


def notebook(title, intro, cells):
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    params = new_code_cell(PARAMETERS)
    params.metadata["tags"] = ["parameters"]
    nb.cells = [new_markdown_cell(f"# {title}\n\n{intro}\n\n{SMOKE_NOTE}"), params,
                new_code_cell(COLAB), new_code_cell(IMPORTS)]
    for kind, text in cells:
        nb.cells.append(new_markdown_cell(text) if kind == "md" else new_code_cell(text))
    return nb


FINAL_TABLE = 'results.final_generation()'

NOTEBOOKS = {
    "structural_plasticity": notebook(
        "Structural plasticity",
        "Does letting the network grow and prune its own synapses during life help? Each "
        "LNDP is evolved with structural plasticity (SP: synaptogenesis and pruning) on, or "
        "off (the topology stays the sampled initial graph G0; only the weights change). "
        "Initial graphs are drawn with connection probability p ~ TruncNormal(μ_conn, "
        "σ_conn) on [0, 1]; the paper's grid is μ_conn ∈ {0, 0.5, 1} × σ_conn ∈ {0, 0.1}, "
        "and no-SP is not run from empty networks (μ_conn = 0), where nothing could ever "
        "conduct.\n\n"
        "**The figure.** One column per task (at smoke scale CartPole and Foraging only, with "
        "one (μ_conn, σ_conn)); top row the population's mean fitness per "
        "generation, bottom row its max. Red solid lines: SP on; blue dashed: SP off; one "
        "shade per (μ_conn, σ_conn); bands span the seeds.\n\n"
        "**What the paper claims (claim 1).**\n"
        "- CartPole and Foraging: SP beats no-SP in every condition.\n"
        "- Foraging: SP has a higher *mean* population fitness; the max is similar.\n"
        "- Acrobot: no significant difference (no-SP mean slightly higher).\n"
        "- Pendulum: solved only with SP from an empty network with σ_conn = 0.1.",
        [("code", 'results = experiments.run_figure(\n'
                  '    "structural_plasticity", scale, seeds=seeds,\n'
                  '    results_dir=results_dir, retrain=retrain,\n'
                  '    train_missing=train_missing)\n'
                  'results.runs[["task", "condition", "seed", "status"]]'),
         ("code", 'fig = plots.training_curves(\n'
                  '    results.training, scale, "structural_plasticity", figures_dir,\n'
                  '    title="Structural plasticity on vs off")'),
         ("md", "Last generation of each run, averaged over seeds (`best_so_far`: best "
                "fitness of any member so far; `density_mean`: mean final synapse density):"),
         ("code", FINAL_TABLE),
         ("md", "The data behind the figure is in `figures/structural_plasticity.csv` (seed "
                "summaries) and the run folders' `log.csv` files.")],
    ),
    "spontaneous_activity": notebook(
        "Spontaneous activity and innate skills",
        "Before any experience, an LNDP can develop while its input neurons are driven by "
        "*spontaneous activity* (SA): an evolved Ornstein–Uhlenbeck process, with zero "
        "reward, for `sa_steps` developmental steps (paper: 100; smoke: 10). We evolve "
        "CartPole agents with SA or without it, and — with SA only — with lifetime updates "
        "switched off (develop during SA, then frozen; without SA such a network could "
        "never change). The trained parameters (the ES mean) are then evaluated on fresh lifetimes "
        "of 3 episodes, and the return of each episode is recorded.\n\n"
        "**The figures.** Training curves (population mean and max fitness), then the "
        "return in episode 1, 2 and 3 of a lifetime, per condition.\n\n"
        "**What the paper claims (claim 2).** With SA the agent already balances in "
        "episode 1 (an innate skill); without SA, LNDPs tend to stop improving after "
        "episode 2; SA models vary more between episodes.",
        [("code", 'results = experiments.run_figure(\n'
                  '    "spontaneous_activity", scale, seeds=seeds,\n'
                  '    results_dir=results_dir, retrain=retrain,\n'
                  '    train_missing=train_missing)\n'
                  'results.runs[["task", "condition", "seed", "status"]]'),
         ("code", 'fig = plots.training_curves(\n'
                  '    results.training, scale, "spontaneous_activity_training", figures_dir,\n'
                  '    title="CartPole with and without spontaneous activity")'),
         ("code", 'fig = plots.episode_returns(\n'
                  '    results.evaluation, scale, "spontaneous_activity_episodes", figures_dir)'),
         ("md", "Mean (and standard deviation) of the return per episode:"),
         ("code", 'results.returns(["label", "episode"])'),
         ("md", "Tidy per-episode returns: `figures/spontaneous_activity_episodes.csv` and "
                "`<results_dir>/spontaneous_activity/evaluation.csv` (columns condition, "
                "seed, eval_trial, episode, return).")],
    ),
    "ndp_vs_lndp": notebook(
        "NDP vs LNDP",
        "An NDP develops its network before any experience and then stays fixed; an LNDP "
        "keeps developing during its life, from activity and reward. Here both get the same "
        "spontaneous-activity phase (paper: 100 steps; smoke: 10); the NDP is the LNDP with "
        "its lifetime updates switched off (`model.lifetime_updates=False`).\n\n"
        "**The figures.** Training curves on Foraging (non-stationary: the food switches "
        "ends with probability 0.5 at every reset) and CartPole, then the returns of the "
        "trained parameters (the ES mean) over fresh evaluation lifetimes.\n\n"
        "**What the paper claims (claim 3).** Similar performance on CartPole; on Foraging "
        "only the LNDP adapts within its lifetime (the NDP cannot follow the food).",
        [("code", 'results = experiments.run_figure(\n'
                  '    "ndp_vs_lndp", scale, seeds=seeds,\n'
                  '    results_dir=results_dir, retrain=retrain,\n'
                  '    train_missing=train_missing)\n'
                  'results.runs[["task", "condition", "seed", "status"]]'),
         ("code", 'fig = plots.training_curves(\n'
                  '    results.training, scale, "ndp_vs_lndp_training", figures_dir,\n'
                  '    title="NDP vs LNDP")'),
         ("md", "The dashed line on Foraging is the best return any memoryless "
                "position → action policy can expect (`lndp.claims.foraging_memoryless_"
                "ceiling`): a frozen network cannot beat it, so a seed above it adapts "
                "within its lifetime."),
         ("code", 'fig = plots.episode_returns(\n'
                  '    results.evaluation, scale, "ndp_vs_lndp_evaluation", figures_dir,\n'
                  '    title="Evaluation of the trained parameters",\n'
                  '    references=claims.reference_returns(results.runs))'),
         ("code", 'results.returns(["task", "label"])')],
    ),
    "network_development": notebook(
        "Network development over a lifetime",
        "How does the network change during one lifetime? We take a trained LNDP (SP on, "
        "μ_conn = 0.5, σ_conn = 0.1, no SA; a finished run with the same config from another "
        "figure is reused), run one lifetime with `Agent.record`, and plot the synapse "
        "density (fraction of the allowed synapses present) at every step, and the graph at "
        "a few moments: inputs on the left (green), hidden neurons on a circle (grey), "
        "outputs on the right (orange); red synapses are excitatory, blue inhibitory, "
        "width ∝ |w|.\n\n"
        "**What the paper reports (claim 4).** Structural change concentrates in short "
        "critical periods; final densities around CartPole 0.79, Foraging 0.72, Acrobot "
        "0.69, Pendulum 0.24.",
        [("code", 'results = experiments.run_figure(\n'
                  '    "network_development", scale, seeds=seeds,\n'
                  '    results_dir=results_dir, retrain=retrain,\n'
                  '    train_missing=train_missing)\n'
                  'results.runs[["task", "condition", "seed", "status"]]'),
         ("code", 'from pathlib import Path\n\n'
                  'developments = []\n'
                  'for run in results.runs.drop_duplicates("task").itertuples():\n'
                  '    dev = experiments.record_development(run.path, key=0)\n'
                  '    experiments.save_development(dev, Path(run.path).parents[1] / "development")\n'
                  '    developments.append(dev)\n'
                  '    print(f"{run.task}: episode returns {dev.returns.round(1).tolist()}, "\n'
                  '          f"final density {dev.density.density.iloc[-1]:.2f}")'),
         ("code", 'fig = plots.density_over_time(\n'
                  '    developments, scale, "network_development_density", figures_dir)'),
         ("code", 'for dev in developments:\n'
                  '    name = f"network_development_{dev.task}_graphs"\n'
                  '    fig = plots.network_snapshots(dev, scale, name, figures_dir)')],
    ),
}

RESULTS_PARAMETERS = """\
# Parameters (papermill injects its values in the next cell)
scale = "reduced"  # the scale the runs in results_dir were trained at (for the text)
results_dir = None  # None: the scale's folder (results/: the committed reduced runs)"""


def results_notebook():
    nb = new_notebook()
    nb.metadata = NOTEBOOKS["structural_plasticity"].metadata
    params = new_code_cell(RESULTS_PARAMETERS)
    params.metadata["tags"] = ["parameters"]
    intro = (
        "# Results vs the paper\n\n"
        "One row per claim of the paper (`../shared/paper/NOTES.md`, *Results to reproduce*), "
        "computed when this page is built from the finished runs in `results_dir` — by "
        "default the `reduced`-scale runs committed with this project. Nothing on this page "
        "is typed in by hand: the numbers and verdicts come from `lndp.claims.claims_table`.\n\n"
        "**How the numbers are made.** A run's *final fitness* is its mean population "
        "fitness over its last 10 generations. Over seeds (one number per training run) we "
        "give each value, or the mean with a 95 % percentile-bootstrap interval `mean [lo, "
        "hi]`, and Welch's t-test where two conditions are compared. Evaluations use each "
        "run's ES-mean parameters on 20 fresh lifetimes. For Foraging (p_switch 0.5, 100 "
        "steps) the best return any fixed position → action policy can expect is computed "
        "exhaustively (`lndp.claims.foraging_memoryless_ceiling`); a frozen network — an NDP "
        "after development — is such a policy, so only within-lifetime adaptation can beat "
        "it.\n\n"
        "**How a verdict is decided.** Each claim has a rule written in `lndp/claims.py` "
        "before any result was read, printed in the second table below: *reproduced*, *not "
        "reproduced*, *inconclusive at this scale*, or *not run yet* (a run the rule needs is "
        "not in the results folder). With 3 seeds per condition a test has little power: "
        "*inconclusive* is then the honest outcome, and a claim of *no difference* is only "
        "called reproduced when the interval of the difference is narrow.")
    scale_text = (
        "## Where our scale differs from the paper's\n\n"
        "- **Budget.** `reduced` uses Sep-CMA-ES (diagonal covariance; the paper: full "
        "CMA-ES), a population of 64 and 150–400 generations (the paper: 256 and up to "
        "10,000), 2 trials per fitness (paper: 3), and CartPole/Acrobot episodes of at most "
        "200 steps (the paper: the tasks' own 500). Claims about *which condition wins* can "
        "be checked at this budget; absolute returns are lower than the paper's, and "
        "differences that only open up late in a long run can be missed.\n"
        "- **CartPole budget.** A second-hand summary of the paper [W] reports the innate "
        "CartPole skill after ~2,000 generations with SA (~50,000 without); `reduced` "
        "trains 150. Claims 2a–2c and 3a are therefore tested on agents that have not "
        "learned to balance yet: a *not reproduced* there says the skill does not appear "
        "within this budget, not that it cannot appear.\n"
        "- **Seeds.** 3 per condition (the paper's seed count is not stated in our notes): "
        "enough to see large effects, not to show small ones.\n"
        "- **Structural-plasticity grid.** `reduced` runs SP on and off at (μ_conn, σ_conn) "
        "= (0.5, 0.1) and (1, 0.1), and SP from an empty network (0, 0.1) on CartPole and "
        "Foraging; on Acrobot and Pendulum only SP on and off at (0.5, 0.1) and SP from an "
        "empty network — not the paper's whole μ × σ grid (`paper` runs it; "
        "`lndp/experiments.py`). Claim 1c is then tested at one initial distribution.\n"
        "- **Numbers marked [W]** (claim 4) come from a second-hand summary of the paper and "
        "are unverified.\n"
        "- Model and task choices where the reference code has quirks are on the "
        "[model page](../book/model.md).")
    nb.cells = [
        new_markdown_cell(intro), params, new_code_cell(COLAB),
        new_code_cell('import lndp  # noqa: F401  (before jax)\n'
                      'from IPython.display import Markdown\n\n'
                      'from lndp import claims, experiments\n\n'
                      'results_dir = experiments.results_folder(scale, results_dir)\n'
                      'print(f"claims computed from {results_dir} (scale: {scale})")'),
        new_markdown_cell("## The claims"),
        new_code_cell('development = claims.development_statistics(results_dir)\n'
                      'table = claims.claims_table(results_dir, development)\n'
                      'Markdown(claims.markdown_table(table))'),
        new_markdown_cell("## The rule behind each verdict"),
        new_code_cell('Markdown(claims.markdown_table(table, ("claim", "rule")))'),
        new_markdown_cell("## The runs behind them\n\nFinished runs per figure, task and "
                          "condition in the results folder (a figure page lists its runs "
                          "and plots them), with the mean training time of one run on the "
                          "machine that trained it (`minutes`; a run copied from another "
                          "figure keeps its time), and whether the model code that made "
                          "them is this code (`False`: the model changed since; "
                          "unrecorded for runs made before the hash was kept):"),
        new_code_cell('runs = claims.finished_runs(results_dir)\n'
                      'runs["this_code"] = runs.this_code.map({True: "yes", False: "NO"})'
                      '.fillna("unrecorded")\n'
                      'runs.groupby(["figure", "task", "condition"]).agg(\n'
                      '    seeds=("seed", "size"), generations=("generations", "max"),\n'
                      '    minutes=("minutes", "mean"),\n'
                      '    this_code=("this_code", lambda v: ", ".join(sorted(set(v))))).round(1)'),
        new_markdown_cell("Network development (claim 4): one recorded lifetime per seed of "
                          "SP (μ 0.5, σ 0.1), its final density and the share of its synapse "
                          "additions and prunings made in its busiest 10 % of steps; the "
                          "`untrained_` columns record the same lifetime with the parameters "
                          "evolution started from, a control for how much of it is a generic "
                          "property of the update rules rather than something evolved:"),
        new_code_cell('development.round(3)'),
        new_markdown_cell(scale_text),
    ]
    return nb


NOTEBOOKS["results"] = results_notebook()

if __name__ == "__main__":
    folder = Path(__file__).resolve().parents[1] / "notebooks"
    folder.mkdir(exist_ok=True)
    for name, nb in NOTEBOOKS.items():
        for i, cell in enumerate(nb.cells):
            cell.id = f"{name[:20]}-{i}"  # stable ids: regenerating gives no diff noise
        nbformat.validate(nb)
        nbformat.write(nb, folder / f"{name}.ipynb")
        print(folder / f"{name}.ipynb")
