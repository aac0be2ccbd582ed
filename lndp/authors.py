"""Parameters of the authors' LNDP (github.com/erwanplantec/LNDP) in this project's model.

Their model is an equinox module; its parameters, named by their leaf paths (e.g.
``gnn.Q.weight``, ``edge_fn.bias_n``, ``adde_fn.layers.0.weight``), map one to one onto the
`reference` profile's parameters (equinox's ``weight`` is (out, in); flax's ``kernel`` is
(in, out)). `flat_from_authors` turns them into the flat vector an `Evaluator` evaluates, so a
network evolved with their code can be run here, and the tests can feed both models the
same parameters.
"""

from __future__ import annotations

from collections.abc import Mapping

import jax
import numpy as np
from flax import nnx
from jax.flatten_util import ravel_pytree

# Their leaf path → ours (nnx state path); "weight" leaves are transposed.
NAMES: dict[str, str] = {
    "Wpre.weight": "node_embedding.kernel",
    "Wpre.bias": "node_embedding.bias",
    "gnn.Q.weight": "attention.query.kernel",
    "gnn.K.weight": "attention.key.kernel",
    "gnn.V.weight": "attention.value.kernel",
    "gnn.O.weight": "attention.output.kernel",
    "gnn.O.bias": "attention.output.bias",
    "gnn.E.weight": "attention.edge.kernel",
    "gnn.E.bias": "attention.edge.bias",
    "node_fn.weight_ih": "node_gru.input.kernel",
    "node_fn.bias": "node_gru.input.bias",
    "node_fn.weight_hh": "node_gru.recurrent.kernel",
    "node_fn.bias_n": "node_gru.bias_n",
    "edge_fn.weight_ih": "edge_model.gru.input.kernel",
    "edge_fn.bias": "edge_model.gru.input.bias",
    "edge_fn.weight_hh": "edge_model.gru.recurrent.kernel",
    "edge_fn.bias_n": "edge_model.gru.bias_n",
    "adde_fn.layers.0.weight": "synaptogenesis.hidden.kernel",
    "adde_fn.layers.0.bias": "synaptogenesis.hidden.bias",
    "adde_fn.layers.1.weight": "synaptogenesis.out.kernel",
    "adde_fn.layers.1.bias": "synaptogenesis.out.bias",
    "prune_fn.layers.0.weight": "pruning.hidden.kernel",
    "prune_fn.layers.0.bias": "pruning.hidden.bias",
    "prune_fn.layers.1.weight": "pruning.out.kernel",
    "prune_fn.layers.1.bias": "pruning.out.bias",
    "sa_fn.mu": "spontaneous_activity.mean",
    "sa_fn.alpha": "spontaneous_activity.rate",
    "sa_fn.dt": "spontaneous_activity.step",
    "sa_fn.sigma": "spontaneous_activity.noise",
}


def _name(path) -> str:
    """'attention.query.kernel' for a state leaf's path (dict keys only; the Param's own
    `.value` attribute is not part of the name)."""
    return ".".join(str(k.key) for k in path if isinstance(k, jax.tree_util.DictKey))


def flat_from_authors(agent, named: Mapping[str, np.ndarray]) -> jax.Array:
    """The flat parameter vector of `agent` (a `reference`-layout model) holding the
    authors' parameters `named` (their leaf path → array). Every parameter of ours must
    be given, and every given one must be used."""
    if agent.config.model.parameter_layout != "authors":
        raise ValueError("model.parameter_layout: the authors' parameters need 'authors', "
                         f"got {agent.config.model.parameter_layout!r}")
    state = nnx.state(agent.model(agent.initial_params), nnx.Param)
    paths, treedef = jax.tree_util.tree_flatten_with_path(state)
    ours = {_name(path): leaf for path, leaf in paths}
    given = {NAMES[name]: (name, np.asarray(value)) for name, value in named.items()}
    missing, unused = set(ours) - set(given), set(given) - set(ours)
    if missing or unused:
        raise ValueError(f"parameters: missing {sorted(missing)}, unused {sorted(unused)}")
    leaves = []
    for name, leaf in ours.items():
        theirs, value = given[name]
        if theirs.rsplit(".", 1)[-1].startswith("weight"):
            value = value.T  # equinox (out, in) -> flax (in, out)
        if value.shape != leaf.shape:
            raise ValueError(f"{theirs}: shape {value.shape} does not fit {name} {leaf.shape}")
        leaves.append(value.astype(np.float32))
    return ravel_pytree(jax.tree_util.tree_unflatten(treedef, leaves))[0]
