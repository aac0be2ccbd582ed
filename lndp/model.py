"""The Lifelong Neural Developmental Program (LNDP).

A network of N neurons — inputs first, outputs last, hidden in between — whose graph
G = <A, h, e, v> changes during the agent's life:

    A  (N, N)     adjacency; A[i, j] = 1 ⇔ a synapse i → j (activity flows v·W)
    h  (N, H)     node states
    e  (N, N, E)  edge (synapse) states; the synaptic weight is w_ij = e_ij[0]
    v  (N,)       neuron activity after the last propagation

One developmental step (`develop`) runs, in this order:

1. node model: features [in-degree, out-degree, input/hidden/output flags, v_i, h_i] →
   linear map → graph-transformer layer (edge features e_ij, A_ij, A_ji, δ_ij) → GRU → h'.
2. structural plasticity, from h' and e: synaptogenesis adds i → j with f⁺(h'_i, h'_j) and
   pruning removes it with f⁻(e_ij), both MLPs with a sigmoid output, decided by a
   threshold (default 0.6) or by Bernoulli draws; only topology-allowed edges
   (input → hidden, hidden → hidden without self loops, hidden → output) can exist.
3. edge model: a GRU per existing edge with input (h'_i, h'_j, v_i, v_j, r) and state
   e_ij; edge states are zeroed where A' = 0.

The network acts with `propagate`: activity is reset, the observation is clamped on the
inputs and T steps of v ← tanh(v·W [+ b]) follow, re-clamping the inputs each step.

Decisions on the reference code's quirks (see NOTES.md and the book's model page):

* Degrees: in-degree of j is Σ_i A_ij and out-degree of i is Σ_j A_ij — the right way
  round for the v·W convention — each divided by N − 1; 5 node features (2 degrees and
  3 type flags), plus v_i and h_i.
* Order: structure changes before the edge GRU runs, so a new edge gets a weight in the
  step it appears and a pruned edge stops conducting at once (the reference code gives a
  new edge weight 0 for one step and lets a pruned edge conduct one more step).
* Attention is over all nodes (see lndp.graph for why).
* Stochastic mode draws Bernoulli(f) — the paper's wording — not the reference's
  Bernoulli(0.5·f).
* The reward input is the raw environment reward of the previous step (on CartPole it is
  always 1 and carries no information, as in the paper).
* Initial node states h0 ~ N(0, node_init_std²): with identical h0 nothing could break
  the symmetry between hidden nodes of an empty network in threshold mode.
"""

from __future__ import annotations

from functools import lru_cache

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx, struct

from lndp.config import ModelConfig
from lndp.graph import GraphTransformer

N_NODE_FEATURES = 5  # in-degree, out-degree, is_input, is_hidden, is_output
N_EDGE_FEATURES_EXTRA = 3  # A_ij, A_ji, δ_ij (added to the E edge-state features)


class NetworkState(struct.PyTreeNode):
    adjacency: jax.Array  # A, float {0, 1}
    node_state: jax.Array  # h
    edge_state: jax.Array  # e
    activity: jax.Array  # v

    @property
    def weights(self) -> jax.Array:
        """W_ij = e_ij[0] · A_ij."""
        return self.edge_state[..., 0] * self.adjacency


def _node_kind(n_nodes: int, n_inputs: int, n_outputs: int) -> np.ndarray:
    """0 input, 1 hidden, 2 output: inputs first, outputs last."""
    kind = np.full(n_nodes, 1)
    kind[:n_inputs], kind[n_nodes - n_outputs :] = 0, 2
    return kind


@lru_cache(maxsize=None)
def allowed_edges(n_nodes: int, n_inputs: int, n_outputs: int) -> np.ndarray:
    """The topology mask M: input→hidden, hidden→hidden (no self loops), hidden→output."""
    kind = _node_kind(n_nodes, n_inputs, n_outputs)
    pre, post = kind[:, None], kind[None, :]
    mask = ((pre == 0) & (post == 1)) | ((pre == 1) & (post == 1)) | ((pre == 1) & (post == 2))
    np.fill_diagonal(mask, False)
    return mask


def node_types(n_nodes: int, n_inputs: int, n_outputs: int) -> np.ndarray:
    """(N, 3) one-hot node type: input, hidden, output."""
    return np.eye(3, dtype=np.float32)[_node_kind(n_nodes, n_inputs, n_outputs)]


def gru_update(state: jax.Array, input_gates: jax.Array, recurrent_gates: jax.Array) -> jax.Array:
    """GRU update from precomputed input and recurrent projections (r, z, n thirds)."""
    x_r, x_z, x_n = jnp.split(input_gates, 3, axis=-1)
    h_r, h_z, h_n = jnp.split(recurrent_gates, 3, axis=-1)
    reset = jax.nn.sigmoid(x_r + h_r)
    update = jax.nn.sigmoid(x_z + h_z)
    candidate = jnp.tanh(x_n + reset * h_n)
    return (1.0 - update) * candidate + update * state


class EdgeModel(nnx.Module):
    """GRU on every edge with input (h_i, v_i, h_j, v_j, r) and state e_ij.

    The input projection of the concatenated per-edge input is split into a projection of
    the pre-synaptic node, one of the post-synaptic node and one of the reward, so the
    per-node parts are computed N times instead of N² times (same maths, fewer FLOPs).
    """

    def __init__(self, node_dim: int, edge_dim: int, *, rngs: nnx.Rngs):
        gates = 3 * edge_dim
        self.pre = nnx.Linear(node_dim + 1, gates, rngs=rngs)
        self.post = nnx.Linear(node_dim + 1, gates, use_bias=False, rngs=rngs)
        self.reward = nnx.Linear(1, gates, use_bias=False, rngs=rngs)
        self.recurrent = nnx.Linear(
            edge_dim, gates, kernel_init=nnx.initializers.orthogonal(), rngs=rngs
        )

    def __call__(self, edge_state, node_state, activity, reward):
        node_input = jnp.concatenate([node_state, activity[:, None]], axis=-1)
        input_gates = (
            self.pre(node_input)[:, None, :]
            + self.post(node_input)[None, :, :]
            + self.reward(jnp.reshape(reward, (1,)))
        )
        return gru_update(edge_state, input_gates, self.recurrent(edge_state))


class Synaptogenesis(nnx.Module):
    """f⁺(h_i, h_j) = σ(MLP([h_i, h_j])), first layer factored per node as in EdgeModel."""

    def __init__(self, node_dim: int, width: int, *, rngs: nnx.Rngs):
        self.pre = nnx.Linear(node_dim, width, rngs=rngs)
        self.post = nnx.Linear(node_dim, width, use_bias=False, rngs=rngs)
        self.out = nnx.Linear(width, 1, rngs=rngs)

    def __call__(self, node_state):
        hidden = jax.nn.relu(self.pre(node_state)[:, None, :] + self.post(node_state)[None])
        return jax.nn.sigmoid(self.out(hidden)[..., 0])


class Pruning(nnx.Module):
    """f⁻(e_ij) = σ(MLP(e_ij))."""

    def __init__(self, edge_dim: int, width: int, *, rngs: nnx.Rngs):
        self.hidden = nnx.Linear(edge_dim, width, rngs=rngs)
        self.out = nnx.Linear(width, 1, rngs=rngs)

    def __call__(self, edge_state):
        return jax.nn.sigmoid(self.out(jax.nn.relu(self.hidden(edge_state)))[..., 0])


class SpontaneousActivity(nnx.Module):
    """Ornstein–Uhlenbeck process driving the input neurons during development.

    x ← x + Δ·θ⊙(μ − x) + √Δ · L ε,  ε ~ N(0, I), with evolved mean μ, rate θ = softplus(·),
    step Δ = sigmoid(·) and lower-triangular noise factor L (covariance L Lᵀ). Starts at 0.
    """

    def __init__(self, n_inputs: int):
        self.mean = nnx.Param(jnp.zeros(n_inputs))
        self.rate = nnx.Param(jnp.zeros(n_inputs))
        self.step = nnx.Param(jnp.zeros(()))
        self.noise = nnx.Param(jnp.eye(n_inputs))

    def __call__(self, x: jax.Array, key: jax.Array) -> jax.Array:
        dt = jax.nn.sigmoid(self.step[...])
        noise = jnp.tril(self.noise[...]) @ jax.random.normal(key, x.shape)
        return x + dt * jax.nn.softplus(self.rate[...]) * (self.mean[...] - x) + jnp.sqrt(dt) * noise


class LNDP(nnx.Module):
    def __init__(self, config: ModelConfig, n_inputs: int, n_outputs: int, *, rngs: nnx.Rngs):
        self.config, self.n_inputs, self.n_outputs = config, n_inputs, n_outputs
        h, e = config.node_dim, config.edge_dim
        self.node_embedding = nnx.Linear(N_NODE_FEATURES + 1 + h, h, rngs=rngs)
        self.attention = GraphTransformer(
            h, e + N_EDGE_FEATURES_EXTRA, config.n_heads, config.qk_dim, config.value_dim,
            rngs=rngs,
        )
        self.node_gru = nnx.GRUCell(config.n_heads * config.value_dim + h, h, rngs=rngs)
        self.edge_model = EdgeModel(h, e, rngs=rngs)
        self.synaptogenesis = Synaptogenesis(h, config.mlp_width, rngs=rngs)
        self.pruning = Pruning(e, config.mlp_width, rngs=rngs)
        self.spontaneous_activity = SpontaneousActivity(n_inputs) if config.sa_steps else None

    # -- static structure ----------------------------------------------------------------
    @property
    def allowed(self) -> np.ndarray:
        return allowed_edges(self.config.n_nodes, self.n_inputs, self.n_outputs)

    @property
    def types(self) -> np.ndarray:
        return node_types(self.config.n_nodes, self.n_inputs, self.n_outputs)

    # -- the initial graph G0 --------------------------------------------------------------
    def init_state(self, key: jax.Array) -> NetworkState:
        """Sample G0: density p ~ TruncNormal(μ_conn, σ_conn) on [0, 1], then A_ij ~ Bern(p)."""
        c = self.config
        k_density, k_edges, k_nodes = jax.random.split(key, 3)
        if c.sigma_conn > 0:
            lower, upper = (0.0 - c.mu_conn) / c.sigma_conn, (1.0 - c.mu_conn) / c.sigma_conn
            density = c.mu_conn + c.sigma_conn * jax.random.truncated_normal(
                k_density, lower, upper
            )
        else:
            density = jnp.asarray(c.mu_conn)
        n = c.n_nodes
        adjacency = jax.random.bernoulli(k_edges, density, (n, n)) & self.allowed
        return NetworkState(
            adjacency=adjacency.astype(jnp.float32),
            node_state=c.node_init_std * jax.random.normal(k_nodes, (n, c.node_dim)),
            edge_state=jnp.zeros((n, n, c.edge_dim)),
            activity=jnp.zeros(n),
        )

    # -- one developmental step ------------------------------------------------------------
    def develop(self, state: NetworkState, reward: jax.Array, key: jax.Array) -> NetworkState:
        """Node model, then structural plasticity, then edge model (see module docstring)."""
        c = self.config
        a, e, v = state.adjacency, state.edge_state, state.activity
        n = c.n_nodes
        degrees = jnp.stack([a.sum(0), a.sum(1)], axis=-1) / (n - 1)  # in, out
        features = jnp.concatenate([degrees, self.types, v[:, None], state.node_state], -1)
        edge_features = jnp.concatenate(
            [e, a[..., None], a.T[..., None], jnp.broadcast_to(jnp.eye(n)[..., None], (n, n, 1))],
            axis=-1,
        )
        x = self.node_embedding(features)
        messages = self.attention(x, edge_features)
        node_state, _ = self.node_gru(state.node_state, jnp.concatenate([messages, x], -1))

        k_grow, k_prune = jax.random.split(key)
        if c.synaptogenesis:
            grow = self._decide(self.synaptogenesis(node_state), k_grow)
            a = jnp.where(grow & self.allowed, 1.0, a)
        if c.pruning:
            prune = self._decide(self.pruning(e), k_prune)
            a = jnp.where(prune & (state.adjacency > 0), 0.0, a)

        edge_state = self.edge_model(e, node_state, v, reward) * a[..., None]
        return NetworkState(a, node_state, edge_state, v)

    def _decide(self, probability: jax.Array, key: jax.Array) -> jax.Array:
        if self.config.decision == "threshold":
            return probability > self.config.threshold
        return jax.random.uniform(key, probability.shape) < probability

    # -- network dynamics ----------------------------------------------------------------
    def propagate(self, state: NetworkState, inputs: jax.Array) -> NetworkState:
        """Reset activity, clamp inputs, T steps of v ← tanh(v·W + b); returns the new state."""
        w = state.weights
        bias = state.node_state[:, 0] if self.config.bias else 0.0
        clamp = jnp.zeros(self.config.n_nodes).at[: self.n_inputs].set(inputs)
        is_input = self.types[:, 0]
        v = clamp
        for _ in range(self.config.propagation_steps):
            v = jnp.tanh(v @ w + bias) * (1 - is_input) + clamp
        return state.replace(activity=v)

    def outputs(self, state: NetworkState) -> jax.Array:
        return state.activity[self.config.n_nodes - self.n_outputs :]
