#!/usr/bin/env bash
# Train every reduced-scale run the book reads, in the issue's priority order.
# Resumable: finished runs are skipped, unfinished ones resume from their checkpoint,
# so this can be interrupted at any point and started again (also in a later session).
#
#   tools/run_reduced.sh            # two queues side by side on disjoint tasks, one CPU
#                                   # core and one JAX device each (logs: _build/queue_*.log)
#   tools/run_reduced.sh serial     # one process, all cores
set -euo pipefail
cd "$(dirname "$0")/.."
fig() { python -m lndp figure --scale reduced "$@"; }
# seeds 0-1 of every condition first, then seed 2: an interrupted queue leaves every
# condition with two seeds (enough for a first comparison) rather than some with none
fig2() { fig "$@" --seeds 2; fig "$@"; }
queue_a() {  # Foraging first (cheap, the sharpest claims), half of CartPole SP, then Pendulum
  fig --figure structural_plasticity --tasks foraging
  fig --figure network_development --tasks foraging
  fig2 --figure structural_plasticity --tasks cartpole \
    --conditions sp_mu1_sigma0.1 nosp_mu1_sigma0.1
  fig2 --figure structural_plasticity --tasks pendulum
}
queue_b() {  # CartPole: spontaneous activity, NDP vs LNDP (copies SA runs), the other half
             # of CartPole SP; then Acrobot
  fig2 --figure spontaneous_activity
  fig --figure ndp_vs_lndp
  fig2 --figure structural_plasticity --tasks cartpole \
    --conditions sp_mu0_sigma0.1 sp_mu0.5_sigma0.1 nosp_mu0.5_sigma0.1
  fig2 --figure structural_plasticity --tasks acrobot
}
# The two queues never touch the same run folder, so they can run together.
if [[ "${1:-parallel}" == serial ]] || [[ "$(nproc)" -lt 2 ]]; then
  queue_a; queue_b
else
  export XLA_FLAGS="--xla_force_host_platform_device_count=1"
  mkdir -p _build
  (taskset -c 0 bash -c "set -euo pipefail; $(declare -f fig fig2 queue_a); queue_a") > _build/queue_a.log 2>&1 &
  a=$!
  (taskset -c 1 bash -c "set -euo pipefail; $(declare -f fig fig2 queue_b); queue_b") > _build/queue_b.log 2>&1 &
  b=$!
  wait $a $b
fi
fig --figure network_development  # every task's development, once all SP runs exist
