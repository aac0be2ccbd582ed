"""The Lifelong Neural Developmental Program (LNDP).

A network of N neurons — inputs first, outputs last, hidden in between — whose graph
G = <A, h, e, v> changes during the agent's life:

    A  (N, N)        adjacency; A[i, j] = 1 ⇔ a synapse i → j (activity flows v·W)
    h  (N, H)        node states
    e  (N, N, E)     edge (synapse) states; the synaptic weight is w_ij = e_ij[0]
    v  (N,)          neuron activity after the last propagation
    a  (N, T + 1)    each neuron's propagation sequence (the activity trace)

One developmental step (`develop`):

1. node model: features [degrees, type flags, activity, h_i] → linear map →
   graph-transformer layer (edge features e_ij, A_ij, A_ji, δ_ij) → GRU → h'.
2. edge model: a GRU per edge with input (h'_i, h'_j, activity_i, activity_j, r) and
   state e_ij, zeroed where there is no edge.
3. structural plasticity: synaptogenesis adds i → j with f⁺(h'_i, h'_j), pruning removes
   it with f⁻(e_ij), both MLPs with a sigmoid output, decided by a threshold (0.6) or by
   Bernoulli draws; only topology-allowed edges (input → hidden, hidden → hidden without
   self loops, hidden → output) can exist.

The network acts with `propagate`: activity is reset, the observation is clamped on the
inputs and T steps of v ← tanh(v·W [+ b]) follow, re-clamping the inputs each step.

Two profiles (lndp.config.PROFILE_VALUES; each difference is its own config field):

* `reference` computes what the authors' code computes (github.com/erwanplantec/LNDP,
  `lndp.py` LNDP.update_state / forward_rnn, `utils/model.py`), quirks included: "in" and
  "out" degree swapped and `i_d + o_d / 20` as the third feature; the whole activity trace
  as input; their graph transformer; the edge GRU under the old A, pruning from the new
  edge states and a prune cancelling an add, so a new edge conducts with weight 0 for one
  step and a pruned one conducts one step more; Bernoulli(0.5·f) in stochastic mode;
  h0, e0 ~ U(−1, 1); one initial density per block. Tested step by step against fixtures
  recorded from their code (tests/test_reference.py).
* `corrected` is this project's model: degrees the right way round for v·W, the final
  activity as input, additive edge terms in attention with a skip to the GRU, structure
  changing before the edge GRU runs (a new edge gets a weight in the step it appears, a
  pruned one stops at once), Bernoulli(f), h0 ~ N(0, 0.5²), e0 = 0, one shared density.
"""

from __future__ import annotations

from functools import lru_cache

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx, struct

from lndp.config import ModelConfig
from lndp.graph import GraphTransformer, ReferenceGraphTransformer

#: Bumped when the model's computation changes on purpose; train.py writes it into each
#: finished run's summary.json. Version 2 introduced the `reference` and `corrected`
#: profiles. Runs whose summary has no `model_version` were made by version 1: the model
#: that is now the `corrected` profile, up to the layout of random keys. Version 3 sums the
#: reference profile's pruning and synaptogenesis MLPs in another order (`Pruning.unrolled`,
#: `Synaptogenesis._authors`): the same functions, rounded differently in the last bit, a
#: rounding-only change judged equivalent by `python -m lndp equivalence`.
MODEL_VERSION = 3

N_NODE_FEATURES = 5  # two degree features and type flags (or three: see _node_features)
N_EDGE_FEATURES_EXTRA = 3  # A_ij, A_ji, δ_ij (added to the E edge-state features)


class NetworkState(struct.PyTreeNode):
    adjacency: jax.Array  # A, float {0, 1}
    node_state: jax.Array  # h
    edge_state: jax.Array  # e
    activity: jax.Array  # v: final activity, inputs clamped to the observation
    trace: jax.Array  # (N, T + 1): inputs of each propagation step, then the raw output

    @property
    def weights(self) -> jax.Array:
        """W_ij = e_ij[0]. Edge states are zero where there is no edge, except under the
        reference order, where a just-pruned edge keeps its weight for one step."""
        return self.edge_state[..., 0]


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


def unrolled_sum(terms: list[jax.Array]) -> jax.Array:
    """t₀ + t₁ + … left to right: one elementwise loop that XLA fuses with its inputs."""
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return total


def features(x: jax.Array) -> list[jax.Array]:
    """The last axis of x as a list of arrays, one per feature."""
    return [x[..., i] for i in range(x.shape[-1])]


def authors_gru_update(state: jax.Array, input_gates: jax.Array, recurrent_gates: jax.Array,
                       bias_n: jax.Array) -> jax.Array:
    """equinox.nn.GRUCell's update: the bias b_n sits inside the reset product."""
    x_r, x_z, x_n = jnp.split(input_gates, 3, axis=-1)
    h_r, h_z, h_n = jnp.split(recurrent_gates, 3, axis=-1)
    reset = jax.nn.sigmoid(x_r + h_r)
    update = jax.nn.sigmoid(x_z + h_z)
    candidate = jnp.tanh(x_n + reset * (h_n + bias_n))
    return candidate + update * (state - candidate)


class AuthorsGRU(nnx.Module):
    """A GRU with equinox's parameters: W_ih with bias b, W_hh without, and b_n."""

    def __init__(self, input_dim: int, hidden_dim: int, *, rngs: nnx.Rngs):
        self.input = nnx.Linear(input_dim, 3 * hidden_dim, rngs=rngs)
        self.recurrent = nnx.Linear(hidden_dim, 3 * hidden_dim, use_bias=False, rngs=rngs)
        self.bias_n = nnx.Param(jnp.zeros(hidden_dim))

    def __call__(self, state: jax.Array, inputs: jax.Array) -> jax.Array:
        return authors_gru_update(state, self.input(inputs), self.recurrent(state),
                                  self.bias_n[...])


class EdgeModel(nnx.Module):
    """GRU on every edge with input (h_i, a_i, h_j, a_j, r) and state e_ij (flax layout).

    The input projection of the concatenated per-edge input is split into a projection of
    the pre-synaptic node, one of the post-synaptic node and one of the reward, so the
    per-node parts are computed N times instead of N² times (same maths, fewer FLOPs).
    """

    def __init__(self, node_dim: int, activity_dim: int, edge_dim: int, *, rngs: nnx.Rngs):
        gates = 3 * edge_dim
        self.pre = nnx.Linear(node_dim + activity_dim, gates, rngs=rngs)
        self.post = nnx.Linear(node_dim + activity_dim, gates, use_bias=False, rngs=rngs)
        self.reward = nnx.Linear(1, gates, use_bias=False, rngs=rngs)
        self.recurrent = nnx.Linear(
            edge_dim, gates, kernel_init=nnx.initializers.orthogonal(), rngs=rngs
        )

    def __call__(self, edge_state, node_state, activity, reward):
        node_input = jnp.concatenate([node_state, activity], axis=-1)
        input_gates = (
            self.pre(node_input)[:, None, :]
            + self.post(node_input)[None, :, :]
            + self.reward(jnp.reshape(reward, (1,)))
        )
        return gru_update(edge_state, input_gates, self.recurrent(edge_state))


class AuthorsEdgeModel(nnx.Module):
    """The authors' edge GRU (`lndp.py` edge_fn, equinox layout): one input matrix over
    [h_j, h_i, a_j, a_i, r] for edge i → j (post-synaptic node first), factored per node
    like EdgeModel."""

    def __init__(self, node_dim: int, activity_dim: int, edge_dim: int, *, rngs: nnx.Rngs):
        self.node_dim, self.activity_dim = node_dim, activity_dim
        self.gru = AuthorsGRU(2 * node_dim + 2 * activity_dim + 1, edge_dim, rngs=rngs)

    def __call__(self, edge_state, node_state, activity, reward):
        kernel = self.gru.input.kernel[...]
        d, k = self.node_dim, self.activity_dim
        post = node_state @ kernel[:d] + activity @ kernel[2 * d : 2 * d + k]
        pre = node_state @ kernel[d : 2 * d] + activity @ kernel[2 * d + k : 2 * d + 2 * k]
        input_gates = (pre[:, None, :] + post[None, :, :]
                       + jnp.reshape(reward, ()) * kernel[-1] + self.gru.input.bias[...])
        return authors_gru_update(edge_state, input_gates, self.gru.recurrent(edge_state),
                                  self.gru.bias_n[...])


class Synaptogenesis(nnx.Module):
    """f⁺(h_i, h_j) = σ(MLP([h_j, h_i])) for edge i → j: one hidden ReLU layer over the
    post- then pre-synaptic state (the authors' `adde_fn` input order), its first layer
    factored per node. The flax layout keeps one matrix per node role instead."""

    def __init__(self, node_dim: int, width: int, layout: str, *, rngs: nnx.Rngs):
        self.node_dim, self.layout = node_dim, layout
        if layout == "authors":
            self.hidden = nnx.Linear(2 * node_dim, width, rngs=rngs)
        else:
            self.pre = nnx.Linear(node_dim, width, rngs=rngs)
            self.post = nnx.Linear(node_dim, width, use_bias=False, rngs=rngs)
        self.out = nnx.Linear(width, 1, rngs=rngs)

    def __call__(self, node_state):
        if self.layout == "authors":
            return self._authors(node_state)
        pre, post = self.pre(node_state), self.post(node_state)
        hidden = jax.nn.relu(pre[:, None, :] + post[None])
        return jax.nn.sigmoid(self.out(hidden)[..., 0])

    def _authors(self, node_state):
        """The same MLP with the output layer as an unrolled sum over the hidden units: one
        fused (N, N) loop instead of an (N, N, width) array and a dot (faster on CPU:
        benchmarks/side-by-side/2026-12-01; the same function up to float32 rounding:
        tests/test_model.py)."""
        kernel, d = self.hidden.kernel[...], self.node_dim
        pre = node_state @ kernel[d:] + self.hidden.bias[...]
        post = node_state @ kernel[:d]
        out = self.out.kernel[...][:, 0]
        logit = unrolled_sum([out[u] * jax.nn.relu(pre[:, None, u] + post[None, :, u])
                              for u in range(out.shape[0])])
        return jax.nn.sigmoid(logit + self.out.bias[...][0])


class Pruning(nnx.Module):
    """f⁻(e_ij) = σ(MLP(e_ij))."""

    def __init__(self, edge_dim: int, width: int, *, rngs: nnx.Rngs):
        self.hidden = nnx.Linear(edge_dim, width, rngs=rngs)
        self.out = nnx.Linear(width, 1, rngs=rngs)

    def __call__(self, edge_state):
        return jax.nn.sigmoid(self.out(jax.nn.relu(self.hidden(edge_state)))[..., 0])

    def unrolled(self, edge_state):
        """The same MLP as unrolled sums over the E inputs and the hidden units: one fused
        (N, N) loop without the (N, N, width) hidden array (faster on CPU:
        benchmarks/side-by-side/2026-12-01; the same function up to float32 rounding:
        tests/test_model.py). It is the reference profile's form; the corrected profile
        keeps `__call__`, so its committed runs are computed as they were made."""
        state = features(edge_state)
        hidden, bias = self.hidden.kernel[...], self.hidden.bias[...]
        out = self.out.kernel[...][:, 0]
        logit = unrolled_sum([
            out[u] * jax.nn.relu(unrolled_sum([e * w for e, w in zip(state, hidden[:, u])])
                                 + bias[u])
            for u in range(out.shape[0])])
        return jax.nn.sigmoid(logit + self.out.bias[...][0])


class SpontaneousActivity(nnx.Module):
    """Ornstein–Uhlenbeck process driving the input neurons during development (corrected).

    x ← x + Δ·θ⊙(μ − x) + √Δ · L ε,  ε ~ N(0, I), with evolved mean μ, rate θ = softplus(·),
    step Δ = sigmoid(·) and lower-triangular noise factor L (covariance L Lᵀ). Starts at 0.
    """

    def __init__(self, n_inputs: int):
        self.mean = nnx.Param(jnp.zeros(n_inputs))
        self.rate = nnx.Param(jnp.zeros(n_inputs))
        self.step = nnx.Param(jnp.zeros(()))
        self.noise = nnx.Param(jnp.eye(n_inputs))

    def start(self, key: jax.Array) -> jax.Array:
        return jnp.zeros_like(self.mean[...])

    def __call__(self, x: jax.Array, key: jax.Array) -> jax.Array:
        dt = jax.nn.sigmoid(self.step[...])
        noise = jnp.tril(self.noise[...]) @ jax.random.normal(key, x.shape)
        return x + dt * jax.nn.softplus(self.rate[...]) * (self.mean[...] - x) + jnp.sqrt(dt) * noise


class ReferenceSpontaneousActivity(nnx.Module):
    """The authors' Ornstein–Uhlenbeck process (`utils/model.py` OrnsteinUhlenbeckProcess):

    x ← x + clip(α, 0, ∞)⊙(μ − x)⊙clip(Δ, 0.01, 1) + w,  w ~ N(0, clip(Σ, −1, 1)) drawn
    by `jax.random.multivariate_normal(method="svd")` (Σ is not symmetrised), per-dimension
    rate α and step Δ, no √Δ scaling; the start x0 is one such noise sample.
    """

    def __init__(self, n_inputs: int):
        self.mean = nnx.Param(jnp.zeros(n_inputs))
        self.rate = nnx.Param(jnp.full(n_inputs, 0.5))
        self.step = nnx.Param(jnp.full(n_inputs, 0.25))
        self.noise = nnx.Param(jnp.eye(n_inputs))

    def _noise(self, key: jax.Array) -> jax.Array:
        cov = jnp.clip(self.noise[...], -1.0, 1.0)
        return jax.random.multivariate_normal(key, jnp.zeros(cov.shape[0]), cov, method="svd")

    def start(self, key: jax.Array) -> jax.Array:
        return self._noise(key)

    def __call__(self, x: jax.Array, key: jax.Array) -> jax.Array:
        rate = jnp.clip(self.rate[...], 0.0, jnp.inf)
        dt = jnp.clip(self.step[...], 0.01, 1.0)
        return x + rate * (self.mean[...] - x) * dt + self._noise(key)


class LNDP(nnx.Module):
    def __init__(self, config: ModelConfig, n_inputs: int, n_outputs: int, *, rngs: nnx.Rngs):
        self.config, self.n_inputs, self.n_outputs = config, n_inputs, n_outputs
        c = config
        h, e = c.node_dim, c.edge_dim
        authors = c.parameter_layout == "authors"
        activity_dim = self.activity_dim
        self.node_embedding = nnx.Linear(N_NODE_FEATURES + activity_dim + h, h, rngs=rngs)
        if c.attention == "reference":
            self.attention = ReferenceGraphTransformer(
                h, h, e + N_EDGE_FEATURES_EXTRA, c.n_heads, c.qk_dim, c.value_dim, rngs=rngs)
            gru_input = h
        else:
            self.attention = GraphTransformer(
                h, e + N_EDGE_FEATURES_EXTRA, c.n_heads, c.qk_dim, c.value_dim, rngs=rngs)
            gru_input = c.n_heads * c.value_dim + h  # messages and a skip of the embedding
        self.node_gru = (AuthorsGRU(gru_input, h, rngs=rngs) if authors
                         else nnx.GRUCell(gru_input, h, rngs=rngs))
        edge_model = AuthorsEdgeModel if authors else EdgeModel
        self.edge_model = edge_model(h, activity_dim, e, rngs=rngs)
        # The authors' model has no parameters for a switched-off rule (their parameter
        # count); the flax layout keeps them, so runs of either switch load alike.
        self.synaptogenesis = (Synaptogenesis(h, c.mlp_width, c.parameter_layout, rngs=rngs)
                               if c.synaptogenesis or not authors else None)
        self.pruning = (Pruning(e, c.mlp_width, rngs=rngs)
                        if c.pruning or not authors else None)
        process = (ReferenceSpontaneousActivity if c.spontaneous_process == "reference"
                   else SpontaneousActivity)
        self.spontaneous_activity = process(n_inputs) if c.sa_steps else None

    # -- static structure ----------------------------------------------------------------
    @property
    def allowed(self) -> np.ndarray:
        return allowed_edges(self.config.n_nodes, self.n_inputs, self.n_outputs)

    @property
    def types(self) -> np.ndarray:
        return node_types(self.config.n_nodes, self.n_inputs, self.n_outputs)

    @property
    def activity_dim(self) -> int:
        """Activity values per neuron that the node and edge models see."""
        return self.config.propagation_steps + 1 if self.config.activity_input == "trace" else 1

    # -- the initial graph G0 --------------------------------------------------------------
    def init_state(self, key: jax.Array) -> NetworkState:
        """Sample G0 (keys split as the authors' `LNDP.initialize`: A, e, h, development).

        Density: "shared" draws p ~ TruncNormal(μ_conn, σ_conn) on [0, 1] and A_ij ~ Bern(p);
        "per_block" draws p_hh from that truncated normal and p_ih, p_ho from the
        untruncated N(μ_conn, σ_conn²), one per block (`meta_reservoir(clip=False)`).
        """
        c = self.config
        n = c.n_nodes
        k_adjacency, k_edges, k_nodes, _ = jax.random.split(key, 4)
        if c.density_init == "per_block":
            adjacency = self._per_block_adjacency(k_adjacency)
        else:
            k_density, k_bernoulli = jax.random.split(k_adjacency)
            density = self._truncated_density(k_density)
            adjacency = (jax.random.bernoulli(k_bernoulli, density, (n, n))
                         & self.allowed).astype(jnp.float32)
        if c.node_init == "uniform":
            node_state = jax.random.uniform(k_nodes, (n, c.node_dim), minval=-1.0, maxval=1.0)
        else:
            node_state = c.node_init_std * jax.random.normal(k_nodes, (n, c.node_dim))
        if c.edge_init == "uniform":
            edge_state = jax.random.uniform(k_edges, (n, n, c.edge_dim), minval=-1.0,
                                            maxval=1.0) * adjacency[..., None]
        else:
            edge_state = jnp.zeros((n, n, c.edge_dim))
        return NetworkState(
            adjacency=adjacency,
            node_state=node_state,
            edge_state=edge_state,
            activity=jnp.zeros(n),
            trace=jnp.zeros((n, c.propagation_steps + 1)),
        )

    @staticmethod
    def development_key(key: jax.Array) -> jax.Array:
        """The key of spontaneous activity, from the key given to `init_state`."""
        return jax.random.split(key, 4)[3]

    def _truncated_density(self, key: jax.Array) -> jax.Array:
        c = self.config
        if c.sigma_conn == 0:
            return jnp.asarray(c.mu_conn)
        lower, upper = (0.0 - c.mu_conn) / c.sigma_conn, (1.0 - c.mu_conn) / c.sigma_conn
        return c.mu_conn + c.sigma_conn * jax.random.truncated_normal(key, lower, upper)

    def _per_block_adjacency(self, key: jax.Array) -> jax.Array:
        """`utils/model.py` meta_reservoir + reservoir, with μ_conn, σ_conn for every block."""
        c = self.config
        n, n_in, n_out = c.n_nodes, self.n_inputs, self.n_outputs
        n_hidden = n - n_in - n_out
        k_hh, k_ih, k_ho, k_net = jax.random.split(key, 4)
        if c.sigma_conn == 0:
            p_hh = p_ih = p_ho = jnp.asarray(c.mu_conn)
        else:
            lower, upper = -c.mu_conn / c.sigma_conn, (1.0 - c.mu_conn) / c.sigma_conn
            p_hh = jax.random.truncated_normal(k_hh, lower, upper) * c.sigma_conn + c.mu_conn
            p_ih = jax.random.normal(k_ih) * c.sigma_conn + c.mu_conn
            p_ho = jax.random.normal(k_ho) * c.sigma_conn + c.mu_conn
        k_ih, k_hh, k_ho = jax.random.split(k_net, 3)
        hidden = slice(n_in, n - n_out)
        adjacency = jnp.zeros((n, n))
        adjacency = adjacency.at[:n_in, hidden].set(
            jax.random.uniform(k_ih, (n_in, n_hidden)) < p_ih)
        hh = jax.random.uniform(k_hh, (n_hidden, n_hidden)) < p_hh
        adjacency = adjacency.at[hidden, hidden].set(jnp.where(jnp.eye(n_hidden), 0.0, hh))
        adjacency = adjacency.at[hidden, n - n_out:].set(
            jax.random.uniform(k_ho, (n_hidden, n_out)) < p_ho)
        return adjacency

    # -- one developmental step ------------------------------------------------------------
    def _node_features(self, state: NetworkState) -> jax.Array:
        a = state.adjacency
        if self.config.degree_features == "reference":
            # lndp.py get_node_features: row sums are called "in" degree; `i_d + o_d / 20`
            rows, columns = a.sum(1)[:, None] / 10.0, a.sum(0)[:, None] / 10.0
            flags = self.types[:, (0, 2)]
            degrees = [rows, columns, rows + columns / 20.0]
        else:
            n = self.config.n_nodes
            degrees = [a.sum(0)[:, None] / (n - 1), a.sum(1)[:, None] / (n - 1)]
            flags = self.types
        return jnp.concatenate([*degrees, flags, self._activity(state), state.node_state], -1)

    def _activity(self, state: NetworkState) -> jax.Array:
        """(N, activity_dim): what the node and edge models see of each neuron's activity."""
        return state.trace if self.config.activity_input == "trace" else state.activity[:, None]

    def _edge_features(self, state: NetworkState) -> jax.Array:
        a, n = state.adjacency, self.config.n_nodes
        return jnp.concatenate(
            [state.edge_state, a[..., None], a.T[..., None],
             jnp.broadcast_to(jnp.eye(n)[..., None], (n, n, 1))],
            axis=-1,
        )

    def _node_update(self, state: NetworkState) -> jax.Array:
        x = self.node_embedding(self._node_features(state))
        messages = self.attention(x, self._edge_features(state))
        gru_input = messages if self.config.attention == "reference" else jnp.concatenate(
            [messages, x], -1)
        if self.config.parameter_layout == "authors":
            return self.node_gru(state.node_state, gru_input)
        return self.node_gru(state.node_state, gru_input)[0]

    def develop(self, state: NetworkState, reward: jax.Array, key: jax.Array) -> NetworkState:
        """One developmental step: node model, edge model and structural plasticity, in
        the order `model.plasticity_order` says (see the module docstring)."""
        c = self.config
        node_state = self._node_update(state)
        activity = self._activity(state)
        a = state.adjacency
        if c.plasticity_order == "reference":
            # lndp.py update_state: edge GRU under the old A; prune from the new e; key
            # splits in their order (pruning first)
            edge_state = self.edge_model(state.edge_state, node_state, activity, reward)
            # Materialised here: otherwise XLA fuses the edge GRU into the pruning loop and
            # computes it again for each of the MLP's hidden units.
            edge_state = jax.lax.optimization_barrier(edge_state * a[..., None])
            grow = prune = jnp.zeros_like(a, dtype=bool)
            if c.pruning:
                key, k_prune = jax.random.split(key)
                prune = self._decide(self.pruning.unrolled(edge_state), k_prune) & self.allowed
            if c.synaptogenesis:
                key, k_grow = jax.random.split(key)
                grow = self._decide(self.synaptogenesis(node_state), k_grow) & self.allowed
            a = jnp.where(prune, 0.0, jnp.where(grow, 1.0, a))
            return NetworkState(a, node_state, edge_state, state.activity, state.trace)
        k_grow, k_prune = jax.random.split(key)
        if c.synaptogenesis:
            grow = self._decide(self.synaptogenesis(node_state), k_grow)
            a = jnp.where(grow & self.allowed, 1.0, a)
        if c.pruning:
            prune = self._decide(self.pruning(state.edge_state), k_prune)
            a = jnp.where(prune & (state.adjacency > 0), 0.0, a)
        edge_state = self.edge_model(state.edge_state, node_state, activity, reward)
        return NetworkState(a, node_state, edge_state * a[..., None], state.activity,
                            state.trace)

    def _decide(self, probability: jax.Array, key: jax.Array) -> jax.Array:
        if self.config.decision == "threshold":
            return probability > self.config.threshold
        return jax.random.uniform(key, probability.shape) < (
            self.config.bernoulli_scale * probability)

    # -- network dynamics ----------------------------------------------------------------
    def propagate(self, state: NetworkState, inputs: jax.Array) -> NetworkState:
        """Reset activity, clamp inputs, T steps of v ← tanh(v·W + b); returns the new state.

        The trace holds the (clamped) input of each of the T steps and then the raw last
        output, whose input-neuron entries are tanh(b) (`lndp.py` forward_rnn's a_seq)."""
        w = state.weights
        bias = state.node_state[:, 0] if self.config.bias else 0.0
        clamp = jnp.zeros(self.config.n_nodes).at[: self.n_inputs].set(inputs)
        keep = 1 - self.types[:, 0]
        v, steps = clamp, []
        for _ in range(self.config.propagation_steps):
            steps.append(v)
            raw = jnp.tanh(v @ w + bias)
            v = raw * keep + clamp
        trace = jnp.stack([*steps, raw], axis=-1)
        return state.replace(activity=v, trace=trace)

    def outputs(self, state: NetworkState) -> jax.Array:
        return state.activity[self.config.n_nodes - self.n_outputs :]
