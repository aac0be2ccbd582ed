"""Command line: `python -m lndp train|figure|queue|replay|bench|book ...`;
`python -m lndp COMMAND --help` for each."""

from __future__ import annotations

import argparse
import ast
import dataclasses
import json
import sys
from pathlib import Path

from lndp import bench, book
from lndp.config import PROFILES, SCALES, TASKS, Config, ConfigError, preset
from lndp.design.figures import FIGURES, NO_SP
from lndp.design.layout import resolve, results_folder
from lndp.design.plan import PlanError, section
from lndp.pipeline import queue
from lndp.pipeline.figures import run_figure
from lndp.pipeline.replay import replay_runs
from lndp.pipeline import equivalence, reproduce as reproduction
from lndp.runfolder import RunFolderError, is_finished
from lndp.batch import train_batch
from lndp.train import train


def _parse_value(text: str):
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        pass
    try:
        return float(text)  # inf, nan: rejected by validation with the field's name
    except ValueError:
        return text  # a bare word, e.g. a strategy name


def _fields_epilog() -> str:
    lines = ["config fields for --set (default values; presets change some of them):"]
    for part in dataclasses.fields(Config):
        for f in dataclasses.fields(part.default_factory()):
            lines.append(f"  {part.name}.{f.name} = {f.default!r}")
    return "\n".join(lines)


def _train_parser(sub) -> None:
    p = sub.add_parser(
        "train",
        help="evolve an LNDP on a task",
        description="Evolve an LNDP with an evosax strategy and write a run folder "
        "(config.json, log.csv, checkpoint.pkl, params.npz, summary.json).",
        epilog=_fields_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--task", choices=TASKS, default="foraging", help="the task (default foraging)")
    p.add_argument("--preset", choices=SCALES, default="cpu",
                   help="scale: smoke = seconds, cpu = sized for a 2-core CPU (reference "
                   "model), paper = the paper's settings for a GPU, reduced = the archived "
                   "earlier model's (default cpu)")
    p.add_argument("--profile", choices=PROFILES,
                   help="reference = the authors' computation, quirks included; corrected = "
                   "this project's fixes (see the book's model page); default: the "
                   "preset's (reference, except the archived reduced scale)")
    p.add_argument("--seed", type=int, default=0, help="seed for everything (default 0)")
    p.add_argument("--seeds", type=int, nargs="+", metavar="SEED",
                   help="train these seeds of the config as one program (lndp.batch: one "
                   "jitted generation for all; one run folder each, --out holding {seed})")
    p.add_argument("--out", required=True,
                   help="run folder to create or resume (with --seeds: a pattern holding "
                   "{seed}, e.g. runs/foraging/seed{seed})")
    p.add_argument("--strategy", help="evosax algorithm name, e.g. CMA_ES, Sep_CMA_ES, SNES")
    p.add_argument("--popsize", type=int, help="population size (>= 2)")
    p.add_argument("--generations", type=int, help="number of generations (>= 1)")
    p.add_argument("--sa-steps", type=int, help="spontaneous-activity steps (0 = off)")
    p.add_argument("--ndp", action="store_true",
                   help="NDP ablation: no updates after spontaneous activity (needs --sa-steps > 0)")
    p.add_argument("--no-sp", action="store_true",
                   help="switch structural plasticity (synaptogenesis and pruning) off")
    p.add_argument("--mu-conn", type=float, help="mean initial connection probability in [0, 1]")
    p.add_argument("--sigma-conn", type=float, help="std of the initial connection probability")
    p.add_argument("--set", action="append", default=[], metavar="SECTION.FIELD=VALUE",
                   help="any other config field, e.g. --set model.decision=bernoulli "
                   "--set task.p_switch=0.2 (repeatable)")
    p.add_argument("--resume", action="store_true", help="continue the run in --out exactly")
    p.add_argument("--overwrite", action="store_true",
                   help="replace a run already in --out (its files are deleted)")
    p.add_argument("--stop-after", type=int,
                   help="stop after this many generations of this call (resumable)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


def _train_config(args):
    overrides = {"train.seed": args.seed}
    for flag, field in (("strategy", "train.strategy"), ("popsize", "train.popsize"),
                        ("generations", "train.generations"), ("sa_steps", "model.sa_steps"),
                        ("mu_conn", "model.mu_conn"), ("sigma_conn", "model.sigma_conn")):
        if getattr(args, flag) is not None:
            overrides[field] = getattr(args, flag)
    if args.ndp:
        overrides["model.lifetime_updates"] = False
    if args.no_sp:
        overrides |= NO_SP
    for item in args.set:
        key, sep, value = item.partition("=")
        if not sep:
            raise ConfigError(f"--set {item}: write SECTION.FIELD=VALUE")
        overrides[key.strip()] = _parse_value(value.strip())
    return preset(args.task, args.preset, profile=args.profile, **overrides)


def _train_seeds(args) -> int:
    """`train --seeds`: the seeds of one config as one program (lndp.batch)."""
    if "{seed}" not in args.out:
        raise ConfigError(f"--out {args.out}: with --seeds, a pattern holding {{seed}}, "
                          "e.g. runs/foraging/seed{seed}")
    if any(seed < 0 for seed in args.seeds) or len(set(args.seeds)) != len(args.seeds):
        raise ConfigError(f"--seeds: distinct seeds >= 0, got {' '.join(map(str, args.seeds))}")
    base = _train_config(args)
    configs = [base.replace(**{"train.seed": seed}) for seed in args.seeds]
    outs = [args.out.replace("{seed}", str(seed)) for seed in args.seeds]
    try:
        logs = train_batch(configs, outs, resume=args.resume, overwrite=args.overwrite,
                           progress=not args.no_progress, stop_after=args.stop_after)
    except RunFolderError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for out, rows in zip(outs, logs):
        _report_run(out, rows)
    return 0


def _report_run(out, rows: list[dict]) -> None:
    """One line after training a run: its generations and where its fitness stands."""
    last = rows[-1] if rows else {}
    print(f"{out}: {len(rows)} generations; last mean fitness "
          f"{float(last.get('fitness_mean', 'nan')):.2f}, best so far "
          f"{float(last.get('best_so_far', 'nan')):.2f}")


def _figure_parser(sub) -> None:
    p = sub.add_parser(
        "figure",
        help="train (or resume) every run of a figure",
        description="Train every task × condition × seed of a figure into "
        "RESULTS/<figure>/<task>/<condition>/seed<k>/, skipping finished runs and resuming "
        "unfinished ones (safe to interrupt and re-run).",
    )
    p.add_argument("--figure", choices=FIGURES, required=True)
    p.add_argument("--scale", choices=SCALES, default="cpu")
    p.add_argument("--tasks", nargs="+", choices=TASKS, help="only these of the figure's tasks")
    p.add_argument("--conditions", nargs="+", metavar="CONDITION",
                   help="only these of the figure's conditions (e.g. sp_mu1_sigma0.1)")
    p.add_argument("--seeds", type=int, help="seeds per condition (default: the scale's)")
    p.add_argument("--results-dir", help="run folders (default: the scale's, results/<scale>/; "
                   "results_paper/ at paper, _build/smoke/results/ at smoke)")
    p.set_defaults(run=_run_figure)


def _run_figure(args) -> int:
    try:
        run_figure(args.figure, args.scale, seeds=args.seeds, results_dir=args.results_dir,
                   only_tasks=args.tasks, only_conditions=args.conditions)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


def _queue_parser(sub) -> None:
    p = sub.add_parser(
        "queue",
        help="train one worker's share of a plan section's runs (resumable)",
        description="Train the runs a plan section (results/plan.json) lists, split between "
        "--workers queues by compute; this process trains worker --worker's share. Finished "
        "runs are skipped, unfinished ones resume: stop and restart at any time. Run one "
        "queue per CPU core with one JAX device each, e.g. XLA_FLAGS="
        "--xla_force_host_platform_device_count=1 taskset -c 0 python -m lndp queue "
        "--section cpu --worker 0 --workers 2 (tools/run_cpu.sh does this).",
    )
    p.add_argument("--plan", default="results/plan.json", help="the plan file")
    p.add_argument("--section", required=True, help="the plan section, e.g. cpu")
    p.add_argument("--worker", type=int, default=0, help="this queue's index (from 0)")
    p.add_argument("--workers", type=int, default=1, help="number of queues")
    p.add_argument("--commit", action="store_true",
                   help="commit each finished run's small files as soon as it ends")
    p.add_argument("--list", action="store_true",
                   help="only list this worker's runs and their state")
    p.add_argument("--batch", type=int, default=1, metavar="K",
                   help="train up to K seeds of one config as one program (lndp.batch; "
                   "default 1: one run at a time)")
    p.set_defaults(run=_run_queue)


def _run_queue(args) -> int:
    path = resolve(args.plan)
    if not path.is_file():
        print(f"error: --plan: no such plan file {path}", file=sys.stderr)
        return 2
    if args.batch < 1:
        print(f"error: --batch: runs per program must be >= 1, got {args.batch}",
              file=sys.stderr)
        return 2
    try:
        plan = json.loads(path.read_text())
        if args.list:
            found = section(plan, args.section)
            for run in queue.share(plan, args.section, args.worker, args.workers):
                folder = resolve(found["results_dir"]) / run.name
                state = ("finished" if is_finished(folder) else
                         "started" if Path(folder, "config.json").exists() else "to do")
                print(f"{run.name} ({', '.join(run.claims)}): {state}")
            return 0
        for name, done in queue.run_queue(plan, args.section, args.worker, args.workers,
                                          commit=args.commit, verbose=True,
                                          batch=args.batch):
            print(f"{name}: {done}", flush=True)
    except (PlanError, json.JSONDecodeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


def _replay_parser(sub) -> None:
    p = sub.add_parser(
        "replay",
        help="check that this code still makes a scale's runs (after a code change)",
        description="Re-train the first generations of every finished run that another "
        "version of the code made and compare the logs exactly; the outcome is recorded "
        "in the results folder's replays.json. Runs that replay identically count as this "
        "code's (the book shows them); the others do not.",
    )
    p.add_argument("--scale", choices=SCALES, default="cpu")
    p.add_argument("--results-dir", help="run folders (default: the scale's)")
    p.add_argument("--reverse", action="store_true",
                   help="from the last run back (a second replay of the same folder can "
                   "then work from the other end; outcomes are merged)")
    p.set_defaults(run=_run_replay)


def _run_replay(args) -> int:
    folder = results_folder(args.scale, args.results_dir)
    if not folder.is_dir():
        print(f"error: --results-dir: no such folder {folder}", file=sys.stderr)
        return 2
    different = 0
    for name, identical in replay_runs(folder, reverse=args.reverse):
        if isinstance(identical, str):  # made on another kind of machine: not compared
            print(f"{name}: {identical}", flush=True)
        elif identical is not None:
            print(f"{name}: {'identical' if identical else 'DIFFERENT'}", flush=True)
            different += not identical
    return 1 if different else 0


def _reproduce_parser(sub) -> None:
    p = sub.add_parser(
        "reproduce",
        help="check statistically that this machine makes the first generation's fitness",
        description="Evaluate the authors' first CMA-ES population (iid N(0, I) parameter "
        "vectors) in eight settings at the cpu preset and compare each fitness sample with "
        "the committed reference by the two-sample KS test: indistinguishable when p >= "
        "0.05/8, else DIFFERENT (exit status 1). The outcome, with the comparison against "
        "the authors' code where its samples are present, goes to "
        "FOLDER/reproductions/<cpu and ISA>.json. --record writes the references instead.",
    )
    p.add_argument("--record", action="store_true",
                   help="record the references in FOLDER/first_generation/ (this machine)")
    p.add_argument("--overwrite", action="store_true",
                   help="with --record: replace references already there")
    p.add_argument("--folder", default="results/reproduction",
                   help="references and reproductions (default results/reproduction)")
    p.add_argument("--members", type=int, default=reproduction.MEMBERS,
                   help=f"parameter vectors per setting (>= {reproduction.MIN_MEMBERS}; "
                   f"default {reproduction.MEMBERS})")
    p.set_defaults(run=_run_reproduce)


def _run_reproduce(args) -> int:
    folder = resolve(args.folder)
    references = folder / reproduction.REFERENCES
    try:
        reproduction.check_members(args.members)
        if args.record:
            if (references / reproduction.MACHINE_FILE).exists() and not args.overwrite:
                raise reproduction.ReproduceError(
                    f"--folder: {references} already holds references; pass --overwrite "
                    "to replace them")
            reproduction.record(folder, args.members,
                                progress=lambda line: print(line, flush=True))
            print(f"wrote {references}")
            return 0
        if not references.is_dir():
            raise reproduction.ReproduceError(
                f"--folder: no references in {references}; record them with --record")
        results = reproduction.reproduce(folder, args.members,
                                         progress=lambda r: print(r.line(), flush=True))
    except reproduction.ReproduceError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"wrote {folder / reproduction.REPRODUCTIONS / reproduction.machine_slug()}.json")
    return 1 if any(r.verdict == reproduction.DIFFERENT for r in results) else 0


def _equivalence_parser(sub) -> None:
    p = sub.add_parser(
        "equivalence",
        help="declare this code equivalent to the anchor after a rounding-only change",
        description="The registered check for rounding-only changes (results/PLAN.md, "
        "2026-12-01 12:47 UTC): run the fixture tests against the authors' code and the "
        "8-setting first-generation oracle of `reproduce` here; equivalent when the tests "
        "pass and every setting is indistinguishable from the committed reference. The "
        "outcome, either way, goes to results/equivalence.json under this code's hash; "
        "committed runs made by an equivalent code then count for the book. Exit status 0: "
        "equivalent, 1: not equivalent.",
    )
    p.add_argument("--folder", default="results/reproduction",
                   help="the first-generation references (default results/reproduction)")
    p.set_defaults(run=_run_equivalence)


def _run_equivalence(args) -> int:
    try:
        entry = equivalence.check(resolve(args.folder),
                                  progress=lambda line: print(line, flush=True))
    except equivalence.EquivalenceError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"wrote {equivalence.registry_path()}")
    return 0 if entry["verdict"] == equivalence.EQUIVALENT else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lndp", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    _train_parser(sub)
    _figure_parser(sub)
    _queue_parser(sub)
    _replay_parser(sub)
    _reproduce_parser(sub)
    _equivalence_parser(sub)
    bench.add_parser(sub)
    book.add_parser(sub)
    args = parser.parse_args(argv)
    try:
        if args.command == "train" and args.seeds:
            return _train_seeds(args)
        if args.command == "train":
            config = _train_config(args)
            try:
                rows = train(config, args.out, resume=args.resume, overwrite=args.overwrite,
                             progress=not args.no_progress, stop_after=args.stop_after)
            except RunFolderError as error:
                print(f"error: {error}", file=sys.stderr)
                return 2
            _report_run(args.out, rows)
            return 0
        return args.run(args)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
