"""The LNDP model: topology rules, switches that really switch, optimised = plain maths."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from flax import nnx

from conftest import small
from lndp.model import LNDP, allowed_edges, authors_gru_update, gru_update
from lndp.rollout import Evaluator


def _noisy_params(agent, key, scale=1.0):
    """Random parameters far from the initialisation, so development really happens."""
    return agent.initial_params + scale * jax.random.normal(key, agent.initial_params.shape)


def _check_topology(adjacency, n_in, n_out):
    a = np.asarray(adjacency)
    n = a.shape[-1]
    assert not a[..., :, :n_in].any(), "edge into an input"
    assert not a[..., n - n_out:, :].any(), "edge out of an output"
    assert not a[..., :n_in, n - n_out:].any(), "input→output edge"
    assert not np.diagonal(a, axis1=-2, axis2=-1).any(), "self loop"


def test_allowed_edges_mask():
    m = allowed_edges(10, 3, 2)
    _check_topology(m, 3, 2)
    assert m[:3, 3:8].all() and m[3:8, 8:].all()
    hidden = m[3:8, 3:8]
    assert hidden.sum() == 5 * 4  # all hidden pairs but self loops


@pytest.mark.parametrize("decision", ["threshold", "bernoulli"])
def test_topology_invariants_hold_over_a_lifetime(decision, key):
    config = small("acrobot", **{"model.decision": decision, "model.sa_steps": 20,
                                 "model.mu_conn": 0.5, "model.sigma_conn": 0.1})
    agent = Evaluator(config)
    changed = 0
    for i in range(4):
        params = _noisy_params(agent, jax.random.fold_in(key, i))
        _, trace = jax.jit(agent.record)(params, jax.random.fold_in(key, 100 + i))
        _check_topology(trace.adjacency, 6, 3)
        assert np.all(np.asarray(trace.weights)[~np.asarray(trace.adjacency)] == 0)
        changed += int(np.any(np.diff(np.asarray(trace.adjacency), axis=0)))
    assert changed > 0, "structural plasticity never changed the graph; the test is vacuous"


@pytest.mark.parametrize("profile", ["reference", "corrected"])
def test_edge_states_are_zero_where_there_is_no_edge(profile, key):
    """Corrected: e = 0 wherever A = 0. Reference: the edge GRU runs under the previous
    A, so a just-pruned edge keeps its state (and conducts) for one step, a new one has
    e = 0 (weight 0) for one step; e = 0 wherever neither A nor the previous A has an edge."""
    config = small("cartpole", profile=profile, **{"model.decision": "bernoulli"})
    agent = Evaluator(config)
    model = agent.model(_noisy_params(agent, key))
    state = model.init_state(key)
    added = pruned = 0
    for i in range(30):
        previous = np.asarray(state.adjacency)
        state = model.develop(state, jnp.array(1.0), jax.random.fold_in(key, i))
        state = model.propagate(state, jax.random.normal(jax.random.fold_in(key, 1000 + i), (4,)))
        e, a = np.asarray(state.edge_state), np.asarray(state.adjacency)
        if profile == "corrected":
            assert np.all(e[a == 0] == 0)
        else:
            assert np.all(e[previous == 0] == 0)  # new edges start at weight 0
            assert np.all(e[(a == 0) & (previous == 0)] == 0)
            added += int(((a == 1) & (previous == 0)).sum())
            pruned += int(((a == 0) & (previous == 1)).sum())
        _check_topology(state.adjacency > 0, 4, 2)
    if profile == "reference":
        assert added > 0 and pruned > 0, "no structural change; the test is vacuous"


def test_structural_plasticity_off_keeps_adjacency(key):
    config = small("cartpole", **{"model.synaptogenesis": False, "model.pruning": False,
                                  "model.sa_steps": 10, "model.decision": "bernoulli"})
    agent = Evaluator(config)
    _, trace = jax.jit(agent.record)(_noisy_params(agent, key), key)
    a = np.asarray(trace.adjacency)
    assert (a == a[0]).all()
    assert a[0].any(), "initial network is empty; the test is vacuous"
    # ...while the weights still change (the edge GRU is on):
    assert not np.allclose(trace.weights[1], trace.weights[-1])


def test_ndp_is_frozen_after_spontaneous_activity(key):
    sa = 15
    config = small("cartpole", **{"model.sa_steps": sa, "model.lifetime_updates": False,
                                  "model.decision": "bernoulli"})
    agent = Evaluator(config)
    _, trace = jax.jit(agent.record)(_noisy_params(agent, key), key)
    after_sa = sa  # index 0 is G0, then one entry per SA step
    w, a = np.asarray(trace.weights), np.asarray(trace.adjacency)
    assert (a[after_sa:] == a[after_sa]).all()
    assert (w[after_sa:] == w[after_sa]).all()
    # ...and the same parameters with lifetime updates do keep changing:
    lndp = Evaluator(small("cartpole", **{"model.sa_steps": sa, "model.decision": "bernoulli"}))
    _, trace = jax.jit(lndp.record)(_noisy_params(lndp, key), key)
    assert not np.array_equal(trace.weights[after_sa], trace.weights[-1])


def test_spontaneous_activity_changes_the_network_before_any_observation(key):
    config = small("cartpole", **{"model.sa_steps": 10})
    agent = Evaluator(config)
    _, trace = jax.jit(agent.record)(_noisy_params(agent, key), key)
    assert (np.asarray(trace.phase[:11]) == 0).all()
    assert not np.array_equal(trace.weights[0], trace.weights[10])
    assert not np.array_equal(trace.activity[1], trace.activity[10])


def test_record_and_lifetime_agree(key):
    config = small("foraging", **{"model.sa_steps": 5, "model.decision": "bernoulli"})
    agent = Evaluator(config)
    params = _noisy_params(agent, key, 0.5)
    result = jax.jit(agent.lifetime)(params, key)
    recorded, _ = jax.jit(agent.record)(params, key)
    np.testing.assert_allclose(result.episode_returns, recorded.episode_returns)
    np.testing.assert_allclose(result.final_density, recorded.final_density)


@pytest.mark.parametrize("profile", ["reference", "corrected"])
def test_factored_edge_model_equals_plain_concatenation(profile, key):
    """The per-node factoring of the edge GRU and synaptogenesis MLP is exact maths, in
    both parameter layouts (the authors': one matrix over [h_j, h_i, a_j, a_i, r])."""
    config = small("cartpole", profile=profile)
    model = LNDP(config.model, 4, 2, rngs=nnx.Rngs(3))
    n, h_dim, e_dim, k = 32, 8, 4, model.activity_dim
    ks = jax.random.split(key, 4)
    h = jax.random.normal(ks[0], (n, h_dim))
    v = jax.random.normal(ks[1], (n, k))
    e = jax.random.normal(ks[2], (n, n, e_dim))
    r = jnp.array(0.7)

    def pairs(x_pre, x_post):  # [i, j] -> concat(x_post[j]... as listed)
        return [jnp.broadcast_to(x_pre[:, None], (n, n, x_pre.shape[-1])),
                jnp.broadcast_to(x_post[None, :], (n, n, x_post.shape[-1]))]

    em, sg = model.edge_model, model.synaptogenesis
    if profile == "reference":
        hi, hj = pairs(h, h)
        vi, vj = pairs(v, v)
        x = jnp.concatenate([hj, hi, vj, vi, jnp.full((n, n, 1), r)], -1)
        gru = em.gru
        plain = authors_gru_update(e, x @ gru.input.kernel[...] + gru.input.bias[...],
                                   gru.recurrent(e), gru.bias_n[...])
        plain_p = jax.nn.sigmoid(sg.out(jax.nn.relu(sg.hidden(jnp.concatenate(
            [hj, hi], -1))))[..., 0])
    else:
        node_in = jnp.concatenate([h, v], -1)
        x = jnp.concatenate([*pairs(node_in, node_in), jnp.full((n, n, 1), r)], -1)
        kernel = jnp.concatenate([em.pre.kernel[...], em.post.kernel[...],
                                  em.reward.kernel[...]])
        plain = gru_update(e, x @ kernel + em.pre.bias[...], em.recurrent(e))
        k1 = jnp.concatenate([sg.pre.kernel[...], sg.post.kernel[...]])
        plain_p = jax.nn.sigmoid(sg.out(jax.nn.relu(jnp.concatenate(pairs(h, h), -1) @ k1
                                                    + sg.pre.bias[...]))[..., 0])
    np.testing.assert_allclose(em(e, h, v, r), plain, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(sg(h), plain_p, rtol=1e-5, atol=1e-6)


def test_initial_density_follows_mu_conn(key):
    for mu in (0.0, 1.0):
        agent = Evaluator(small("cartpole", **{"model.mu_conn": mu, "model.sigma_conn": 0.0}))
        model = agent.model(agent.initial_params)
        a = np.asarray(model.init_state(key).adjacency)
        assert a.sum() == (0 if mu == 0 else agent.allowed.sum())
    agent = Evaluator(small("cartpole", **{"model.mu_conn": 0.5, "model.sigma_conn": 0.0}))
    model = agent.model(agent.initial_params)
    densities = [float(agent.density(model.init_state(jax.random.fold_in(key, i)).adjacency))
                 for i in range(20)]
    assert abs(np.mean(densities) - 0.5) < 0.03


def test_fast_graph_transformer_equals_plain_attention(key):
    """Head-major layout and unrolled edge projection compute plain multi-head attention."""
    from lndp.graph import GraphTransformer

    layer = GraphTransformer(8, 7, 3, 4, 8, rngs=nnx.Rngs(1))
    # Non-zero edge weights (they start at zero, which would hide a wrong modulation).
    layer.edge.kernel[...] = jax.random.normal(key, layer.edge.kernel.shape)
    layer.edge.bias[...] = jax.random.normal(jax.random.fold_in(key, 1), layer.edge.bias.shape)
    n = 32
    x = jax.random.normal(jax.random.fold_in(key, 2), (n, 8))
    f = jax.random.normal(jax.random.fold_in(key, 3), (n, n, 7))

    q = layer.query(x).reshape(n, 3, 4)
    k = layer.key(x).reshape(n, 3, 4)
    v = layer.value(x).reshape(n, 3, 8)
    modulation = layer.edge(f)  # plain dense layer on (N, N, F)
    plain = []
    for head in range(3):
        scores = (q[:, head] @ k[:, head].T) / 2.0
        scores = scores * (modulation[..., head] + 1) + modulation[..., 3 + head]
        plain.append(jax.nn.softmax(scores, axis=1) @ v[:, head])
    np.testing.assert_allclose(layer(x, f), jnp.concatenate(plain, -1), rtol=1e-4, atol=1e-5)


def test_unrolled_pruning_and_synaptogenesis_equal_their_mlps(key):
    """The reference profile's unrolled f⁻ and f⁺ are the plain MLPs: probabilities equal
    to float32 rounding, and at the 0.6 threshold the same decisions on these draws (a
    probability within rounding of the threshold could flip; none of these does)."""
    config = small("cartpole", profile="reference")
    model = LNDP(config.model, 4, 2, rngs=nnx.Rngs(5))
    n, h_dim, e_dim = 32, config.model.node_dim, config.model.edge_dim
    pruned, grown = [], []
    for trial in range(8):
        ks = jax.random.split(jax.random.fold_in(key, trial), 3)
        edges = jax.random.uniform(ks[0], (n, n, e_dim), minval=-1.0, maxval=1.0)
        nodes = jax.random.uniform(ks[1], (n, h_dim), minval=-1.0, maxval=1.0)
        pruning, growth = model.pruning, model.synaptogenesis
        plain_prune = pruning(edges)
        kernel, d = growth.hidden.kernel[...], h_dim
        pair = jnp.concatenate([jnp.broadcast_to(nodes[None, :], (n, n, d)),
                                jnp.broadcast_to(nodes[:, None], (n, n, d))], -1)  # [h_j, h_i]
        plain_grow = jax.nn.sigmoid(growth.out(jax.nn.relu(pair @ kernel
                                                           + growth.hidden.bias[...]))[..., 0])
        unrolled_prune = jax.jit(pruning.unrolled)(edges)
        unrolled_grow = jax.jit(growth)(nodes)
        np.testing.assert_allclose(unrolled_prune, plain_prune, rtol=1e-6, atol=1e-7)
        np.testing.assert_allclose(unrolled_grow, plain_grow, rtol=1e-6, atol=1e-7)
        assert np.array_equal(unrolled_prune > 0.6, plain_prune > 0.6)
        assert np.array_equal(unrolled_grow > 0.6, plain_grow > 0.6)
        pruned.append(float(np.mean(plain_prune > 0.6)))
        grown.append(float(np.mean(plain_grow > 0.6)))
    # both outcomes occur for both rules, or equal decisions would prove nothing
    assert 0 < np.mean(pruned) < 1 and 0 < np.mean(grown) < 1, (pruned, grown)
