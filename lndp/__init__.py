"""lndp: Lifelong Neural Developmental Programs (Plantec et al., ALIFE 2024) in JAX + Flax.

Importing lndp before jax exposes every CPU core as a JAX device (XLA's
--xla_force_host_platform_device_count), so the population is sharded across cores; on
GPU machines this only adds host devices, which JAX does not use by default. Set
XLA_FLAGS yourself (any value containing that flag) to choose another count.
"""

import os as _os

_FLAG = "--xla_force_host_platform_device_count"
if _FLAG not in _os.environ.get("XLA_FLAGS", ""):
    _os.environ["XLA_FLAGS"] = (
        _os.environ.get("XLA_FLAGS", "") + f" {_FLAG}={_os.cpu_count() or 1}"
    ).strip()

from lndp.config import Config, ConfigError, ModelConfig, TaskConfig, TrainConfig, preset  # noqa: E402

__version__ = "0.1.0"
__all__ = ["Config", "ConfigError", "ModelConfig", "TaskConfig", "TrainConfig", "preset"]
