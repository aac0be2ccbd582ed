#!/usr/bin/env bash
# Train a plan section's runs as two queues, one per CPU core and one JAX device each,
# committing every run as it finishes. Resumable: stop it at any time (or lose the
# machine) and start it again; finished runs are skipped, unfinished ones resume from
# their checkpoint.
#
#   tools/run_cpu.sh                    # the cpu section (results/plan.json)
#   tools/run_cpu.sh cpu-pilot          # the pilot runs that sized it
#   tools/run_cpu.sh cpu cpu-corrected  # several sections, one after the other per core
#   logs: _build/queue-<worker>.log
set -euo pipefail
cd "$(dirname "$0")/.."
sections=("${@:-cpu}")
workers=$(( $(nproc) < 2 ? 1 : 2 ))
# fail here, in the terminal, rather than in both logs (e.g. the environment is not active)
python -c "import lndp.experiments" || { echo "error: lndp does not import: activate its environment (README)" >&2; exit 2; }
export XLA_FLAGS="--xla_force_host_platform_device_count=1"
mkdir -p _build
pids=()
for worker in $(seq 0 $((workers - 1))); do
  (for section in "${sections[@]}"; do
     taskset -c "$worker" python -m lndp queue --section "$section" --worker "$worker" \
       --workers "$workers" --commit
   done) >> "_build/queue-$worker.log" 2>&1 &
  pids+=($!)
done
wait "${pids[@]}"
