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
results_dir = "results"  # <results_dir>/<figure>/<task>/<condition>/seed<k>/
figures_dir = "figures"  # <name>.png, .svg and .csv go here
retrain = False  # True: retrain even where finished runs exist'''

COLAB = f'''\
import sys

if "google.colab" in sys.modules:  # on Colab: install this project first
    !pip install -q git+{REPO}'''

IMPORTS = '''\
import lndp  # noqa: F401  (before jax: every CPU core becomes a device)
import jax

from lndp import experiments, plots

platform = jax.devices()[0].platform
print(f"jax {jax.__version__}, {jax.device_count()} {platform} device(s)")'''

SMOKE_NOTE = ("At `scale = \"smoke\"` (3 generations of a population of 8) the plots only show "
              "that the pipeline runs end to end; they say nothing about the claims. The "
              "[results page](../book/results.md) compares the `reduced` runs with the paper.")


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


FINAL_TABLE = '''\
last = results.training.sort_values("generation")
last = last.groupby(["task", "label", "seed"]).tail(1)
columns = ["generation", "fitness_mean", "fitness_max", "best_so_far",
           "density_mean"]
last.groupby(["task", "label"])[columns].mean().round(2)'''

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
                  '    results_dir=results_dir, retrain=retrain)\n'
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
                  '    results_dir=results_dir, retrain=retrain)\n'
                  'results.runs[["task", "condition", "seed", "status"]]'),
         ("code", 'fig = plots.training_curves(\n'
                  '    results.training, scale, "spontaneous_activity_training", figures_dir,\n'
                  '    title="CartPole with and without spontaneous activity")'),
         ("code", 'fig = plots.episode_returns(\n'
                  '    results.evaluation, scale, "spontaneous_activity_episodes", figures_dir)'),
         ("md", "Mean (and standard deviation) of the return per episode:"),
         ("code", 'returns = results.evaluation.groupby(["label", "episode"])["return"]\n'
                  'returns.agg(["mean", "std", "count"]).round(1)'),
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
                  '    results_dir=results_dir, retrain=retrain)\n'
                  'results.runs[["task", "condition", "seed", "status"]]'),
         ("code", 'fig = plots.training_curves(\n'
                  '    results.training, scale, "ndp_vs_lndp_training", figures_dir,\n'
                  '    title="NDP vs LNDP")'),
         ("code", 'fig = plots.episode_returns(\n'
                  '    results.evaluation, scale, "ndp_vs_lndp_evaluation", figures_dir,\n'
                  '    title="Evaluation of the trained parameters (ES mean)")'),
         ("code", 'returns = results.evaluation.groupby(["task", "label"])["return"]\n'
                  'returns.agg(["mean", "std", "count"]).round(1)')],
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
                  '    results_dir=results_dir, retrain=retrain)\n'
                  'results.runs[["task", "condition", "seed", "status"]]'),
         ("code", 'developments = []\n'
                  'for run in results.runs.drop_duplicates("task").itertuples():\n'
                  '    dev = experiments.record_development(run.path, key=0)\n'
                  '    folder = f"{results_dir}/network_development/{run.task}/development"\n'
                  '    experiments.save_development(dev, folder)\n'
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

if __name__ == "__main__":
    folder = Path(__file__).resolve().parents[1] / "notebooks"
    folder.mkdir(exist_ok=True)
    for name, nb in NOTEBOOKS.items():
        for i, cell in enumerate(nb.cells):
            cell.id = f"{name[:20]}-{i}"  # stable ids: regenerating gives no diff noise
        nbformat.validate(nb)
        nbformat.write(nb, folder / f"{name}.ipynb")
        print(folder / f"{name}.ipynb")
