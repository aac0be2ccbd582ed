#!/usr/bin/env bash
# Train every reduced-scale run the book reads, in the issue's priority order.
# Resumable: finished runs are skipped, unfinished ones resume from their checkpoint,
# so this can be interrupted at any point and started again (also in a later session).
set -euo pipefail
cd "$(dirname "$0")/.."
fig() { python -m lndp figure --scale reduced "$@"; }
fig --figure structural_plasticity --tasks foraging
fig --figure network_development --tasks foraging
fig --figure spontaneous_activity
fig --figure ndp_vs_lndp
fig --figure structural_plasticity --tasks cartpole
fig --figure network_development --tasks cartpole
fig --figure structural_plasticity --tasks pendulum
fig --figure structural_plasticity --tasks acrobot
fig --figure network_development
