#!/usr/bin/env bash
# The authors'-code control queue: every run of controls.authors-cpu in results/plan.json,
# trained by tools/train_authors.py with their code, one after the other.
#
#   tools/run_authors.sh [AUTHORS_CHECKOUT] [AUTHORS_ENV_PYTHON]
#       defaults: /work/authors-LNDP  /work/authors-env/bin/python
#   CORE=1 (default) pins the runs to that CPU core (taskset -c CORE nice -n 15).
#
# Order: the Foraging runs seed by seed across their conditions (plan order), then the
# other tasks (CartPole) seed by seed. Finished runs are skipped, unfinished ones resumed
# from their checkpoint.pkl, and each finished run's log.csv and meta.json are committed
# on their own:
#   git commit -m "authors-cpu run <figure>/<task>/<condition>/seed<k>: trained in N min" -- <the two files>
# Re-run the script at any time: it picks up where it stopped. Only one queue runs at a
# time per core (flock on _build/authors-queue-core<CORE>.lock); a queue on each core walks
# the same list and skips a run the other is training (a lock per run). Everything goes to
# _build/authors-queue.log.
#
# Start it detached:  cd /work/main && (CORE=1 nohup tools/run_authors.sh > /dev/null 2>&1 &)
# Not under setsid: a new session is its own scheduler autogroup, and nice does not apply
# across autogroups (it would then take a full share of the CPU from the other work).
set -u
cd "$(dirname "$0")/.."
AUTHORS="${1:-/work/authors-LNDP}"
PY="${2:-/work/authors-env/bin/python}"
CORE="${CORE:-1}"
mkdir -p _build
LOG=_build/authors-queue.log
exec >>"$LOG" 2>&1
exec 9>"_build/authors-queue-core$CORE.lock"
if ! flock -n 9; then
    echo "$(date -u +%FT%TZ) another authors queue holds _build/authors-queue-core$CORE.lock; exiting"
    exit 1
fi
echo "$(date -u +%FT%TZ) queue start (pid $$, core $CORE, authors $AUTHORS, python $PY)"

git_retry() {  # git with retries while another process holds the index lock
    local i
    for i in $(seq 1 20); do
        if git "$@"; then return 0; fi
        sleep $((2 + i))
    done
    return 1
}

runs=$("$PY" - <<'EOF'
import json
control = json.load(open("results/plan.json"))["controls"]["authors-cpu"]
runs = []
for i, group in enumerate(control["runs"]):
    for j, condition in enumerate(group["conditions"]):
        for seed in group["seeds"]:
            runs.append((group["task"] != "foraging", int(seed), i, j,
                         f'{group["figure"]} {group["task"]} {condition} {seed}'))
for *_, line in sorted(runs):
    print(line)
EOF
) || { echo "cannot read controls.authors-cpu from results/plan.json"; exit 1; }

failed=0
while read -r figure task condition seed; do
    [ -n "$figure" ] || continue
    name="$figure/$task/$condition/seed$seed"
    dir="results/authors-cpu/$name"
    finished=$("$PY" -c "import json,sys; print(int(json.load(open(sys.argv[1])).get('finished', False)))" "$dir/meta.json" 2>/dev/null || echo none)
    # a queue on the other core may be training this run: each run has its own lock,
    # held for as long as a queue trains it (flock dies with the process)
    exec 8>"_build/authors-run-${name//\//_}.lock"
    if [ "$finished" != 1 ] && ! flock -n 8; then
        echo "$(date -u +%FT%TZ) $name: another queue trains it; next"
        exec 8>&-
        continue
    fi
    if [ "$finished" = 1 ]; then
        echo "$(date -u +%FT%TZ) $name: finished"
    else
        flag=""
        [ "$finished" = 0 ] && flag="--resume"
        echo "$(date -u +%FT%TZ) $name: start ${flag:-fresh}"
        taskset -c "$CORE" nice -n 15 "$PY" tools/train_authors.py --authors "$AUTHORS" \
            --figure "$figure" --task "$task" --condition "$condition" --seed "$seed" $flag </dev/null
        rc=$?
        exec 8>&-
        if [ "$rc" != 0 ]; then
            echo "$(date -u +%FT%TZ) $name: FAILED (exit $rc)"
            failed=$((failed + 1))
            continue
        fi
    fi
    # commit a finished run's two files, unless they are committed as they are
    if [ -z "$(git status --porcelain -- "$dir/log.csv" "$dir/meta.json")" ]; then
        continue
    fi
    minutes=$("$PY" -c "import json,sys; print(round(json.load(open(sys.argv[1]))['total_seconds'] / 60))" "$dir/meta.json")
    if git_retry add -- "$dir/log.csv" "$dir/meta.json" && \
       git_retry commit -q -m "authors-cpu run $name: trained in $minutes min" -- "$dir/log.csv" "$dir/meta.json"; then
        echo "$(date -u +%FT%TZ) $name: committed ($minutes min)"
    else
        echo "$(date -u +%FT%TZ) $name: COMMIT FAILED"
        failed=$((failed + 1))
    fi
done <<<"$runs"
echo "$(date -u +%FT%TZ) queue end ($failed failed)"
[ "$failed" = 0 ]
