# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Lesson 5: scaling out with Dask
#
# Every lesson so far fitted in one process. When the data outgrows one machine,
# the model can stay small on one computer, the *driver*, while the work goes to
# the data: *workers* that each hold some of the rows. We build such a cluster
# on this machine with [Dask](https://www.dask.org), two worker processes of one
# thread each, and use it twice: for the ten one-vs-all classifiers of lesson 2,
# as ten independent jobs; and for one model trained *data-parallel*, where every
# worker computes the gradient of its own rows and the driver adds them up.
#
# **You will learn to**
#
# * start a local Dask cluster and send independent fits to it through joblib;
# * write a cost and gradient as sums over blocks of rows, computed where the
#   rows are, and check them against the in-memory result;
# * train `LogisticRegression` on Dask arrays, and SGD on a file larger than
#   memory, block by block;
# * say what synchronous, asynchronous and Hogwild updates trade, and what a
#   round trip to the workers costs.
#
# **Before you start:** lessons 1 and 2 (gradient descent, one-vs-all, the
# softmax and one-vs-all costs); a sum split into partial sums. Needs Dask
# (`pip install -e ".[lessons]"`).
#
# **Time:** about 45 minutes; the notebook runs in about 20 seconds, most of it
# starting the cluster and writing a 160 MB file.

# %%
import logging
import os
import pickle
import tempfile
import time

import dask
import numpy as np
from dask.distributed import Client, LocalCluster
from joblib import parallel_config
from threadpoolctl import threadpool_limits

from minilr import LogisticRegression
from minilr.datasets import as_dask, load_digits_20x20
from minilr.losses import cost_and_gradient
from minilr.multiclass import OneVsAllClassifier

blas_threads = threadpool_limits(1)  # the driver's products on one core, like each worker's
cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                       host="127.0.0.1", dashboard_address="127.0.0.1:0")  # any free local port
client = Client(cluster)  # from now on, Dask computes on this cluster
workers = client.scheduler_info()["workers"]
print(f"{len(workers)} workers, {sum(w['nthreads'] for w in workers.values())} threads")
assert len(workers) == 2

# %% [markdown]
# The cluster is bound to `127.0.0.1`, its web server included (on a free port,
# so that it never collides with another cluster's), so nothing outside this
# machine can reach it. On a real cluster the same code connects to a scheduler's address instead,
# `Client("tcp://scheduler:8786")`, and the workers run on other machines.
#
# ## 1. One-vs-all: ten jobs on the cluster
#
# The ten binary problems of lesson 2 share nothing, so they are ten jobs.
# `OneVsAllClassifier` hands them to joblib, and `parallel_config(backend="dask")`
# makes joblib send them to the cluster. The 5000 × 400 images travel once: joblib's
# Dask backend scatters each large argument to the workers once per call, and every
# job receives a reference to it.

# %%
X, y = load_digits_20x20()
binary = LogisticRegression(lam=1, solver="tnc")

start = time.perf_counter()
one_by_one = OneVsAllClassifier(binary).fit(X, y)
t_here = time.perf_counter() - start

start = time.perf_counter()
with parallel_config(backend="dask"):  # joblib's jobs become Dask tasks
    on_cluster = OneVsAllClassifier(binary, n_jobs=2).fit(X, y)
t_cluster = time.perf_counter() - start

accuracy = on_cluster.score(X, y)
print(f"one after another, here: {t_here:.1f} s    on the two workers: {t_cluster:.1f} s")
print(f"training accuracy {accuracy:.2%}")
assert np.array_equal(on_cluster.coef_, one_by_one.coef_)  # the same ten fits, bit for bit
assert abs(accuracy - 0.9420) < 0.0005  # lesson 2's ten separate fits

# %% [markdown]
# The same ten fits, to the last bit, and on this machine no faster, probably
# slower: the images must reach the workers, every job is a round trip through the
# scheduler, and the two workers share this machine's two cores with the driver.
# Jobs on a cluster pay off when each one is long next to that overhead, or when
# together they need more cores or memory than one machine has.
#
# ## 2. Data-parallel gradient descent, by hand
#
# Now one model and more rows than one worker should hold. Split the $m$ rows into
# $B$ blocks, block $k$ with $m_k$ rows, and let $J_k$ be the mean cost over
# block $k$ alone, without the penalty. The cost is a sum over rows, so it is a sum
# over blocks:
#
# $$J(W, b) = \frac{1}{m}\Bigl[\sum_{k=1}^{B} m_k J_k(W, b) + \frac{\lambda}{2}\lVert W\rVert^2\Bigr],
# \qquad
# \nabla J = \frac{1}{m}\Bigl[\sum_{k=1}^{B} m_k \nabla J_k + \lambda\,[W, 0]\Bigr].$$
#
# $J_k$ and $\nabla J_k$ are what `cost_and_gradient(W, b, X_k, Y_k, lam=0)`
# returns: each worker calls it on its blocks, multiplies by $m_k$ to turn means
# into sums, and sends back a few numbers; the driver adds them up, adds the
# penalty once, and takes the step. Only $W$ and $b$ travel, never the rows.
#
# First the data goes where it will be used. We save it to files and hand the
# workers their names: `as_dask(path, chunk_rows)` makes a Dask array of blocks of
# whole rows, each read from the file by the worker that needs it, and
# `client.persist` keeps the blocks in the workers' memory.

# %%
folder = tempfile.TemporaryDirectory()
m, n = X.shape
K = 10
Y = np.eye(K)[y]  # one-hot: column k says "is it a k?"
for name, array in {"X": X, "Y": Y, "y": y}.items():
    np.save(os.path.join(folder.name, f"{name}.npy"), array)

Xd, Yd, yd = client.persist([as_dask(os.path.join(folder.name, f"{name}.npy"), 1250)
                             for name in ("X", "Y", "y")])
print(Xd)
print("rows per block:", Xd.chunks[0])
assert Xd.chunks[0] == (1250,) * 4


# %%
def block_sums(X_k, Y_k, W, b):
    # On a worker: the block's cost and gradient as sums over its rows, no penalty.
    m_k = X_k.shape[0]
    J_k, gW_k, gb_k = cost_and_gradient(W, b, X_k, Y_k, lam=0.0)  # means over the block
    return m_k * J_k, m_k * gW_k, m_k * gb_k


def cost_and_gradient_on_cluster(W, b, lam):
    # On the driver: one round trip to all the blocks at once, then the sums.
    tasks = [dask.delayed(block_sums)(X_k, Y_k, W, b)
             for X_k, Y_k in zip(Xd.to_delayed().ravel(), Yd.to_delayed().ravel())]
    parts = dask.compute(*tasks)  # the workers compute their blocks in parallel
    J = sum(p[0] for p in parts) + lam / 2 * np.sum(W * W)
    gW = sum(p[1] for p in parts) + lam * W
    gb = sum(p[2] for p in parts)
    return J / m, gW / m, gb / m


rng = np.random.default_rng(0)
W, b = 0.01 * rng.standard_normal((n, K)), 0.01 * rng.standard_normal(K)
J_cluster, gW_cluster, gb_cluster = cost_and_gradient_on_cluster(W, b, lam=1.0)
J_memory, gW_memory, gb_memory = cost_and_gradient(W, b, X, Y, lam=1.0)
print(f"cost on the cluster {J_cluster:.15f}\ncost in memory      {J_memory:.15f}")
print(f"largest gradient difference: {np.max(np.abs(gW_cluster - gW_memory)):.1e}")
assert abs(J_cluster - J_memory) < 1e-13
assert np.allclose(gW_cluster, gW_memory, rtol=0, atol=1e-15)

# %% [markdown]
# The same cost and gradient, up to the last digit or two: a sum of four partial
# sums rounds a little differently from one long sum. With that function,
# gradient descent is the loop of lesson 1, with the driver taking the steps:

# %%
learning_rate, steps = 1.0, 20
W, b = np.zeros((n, K)), np.zeros(K)
for step in range(steps):
    J, gW, gb = cost_and_gradient_on_cluster(W, b, lam=1.0)
    W -= learning_rate * gW
    b -= learning_rate * gb

gd = dict(lam=1, solver="gd", learning_rate=learning_rate, max_iter=steps, tol=0)
in_memory = LogisticRegression(**gd).fit(X, y)
print(f"cost before the last step: by hand {J:.10f}, in memory {in_memory.history_[-1]:.10f}")
print(f"largest weight difference: {np.max(np.abs(W.T - in_memory.coef_)):.1e}")
assert np.allclose(W.T, in_memory.coef_, rtol=0, atol=1e-12)
assert np.allclose(b, in_memory.intercept_, rtol=0, atol=1e-12)

# %% [markdown]
# Twenty steps on the cluster land where twenty steps in memory do. This is
# *synchronous* data parallelism: every step waits for all the blocks, so each
# gradient is the exact gradient at the current weights.
#
# ## 3. The same with `LogisticRegression`
#
# `LogisticRegression.fit` does exactly this when it receives Dask arrays: the
# same `cost_and_gradient` on every block, one `dask.compute` per evaluation,
# the weights a small NumPy array on the driver. Every solver works this way,
# gradient descent and scipy's alike (the labels are encoded block by block too).

# %%
on_dask = LogisticRegression(**gd).fit(Xd, yd)
print(f"gradient descent, {steps} steps: largest difference from the fit in memory "
      f"{np.max(np.abs(on_dask.coef_ - in_memory.coef_)):.1e}")
assert np.allclose(on_dask.coef_, in_memory.coef_, rtol=0, atol=1e-12)

start = time.perf_counter()
lbfgs_memory = LogisticRegression(lam=1).fit(X, y)
t_memory = time.perf_counter() - start
start = time.perf_counter()
lbfgs_dask = LogisticRegression(lam=1).fit(Xd, yd)
t_dask = time.perf_counter() - start

difference = (np.linalg.norm(lbfgs_dask.coef_ - lbfgs_memory.coef_)
              / np.linalg.norm(lbfgs_memory.coef_))
same_digit = np.mean(lbfgs_dask.predict(X) == lbfgs_memory.predict(X))
print(f"L-BFGS in memory: {lbfgs_memory.n_iter_} iterations, {t_memory:.1f} s, "
      f"accuracy {lbfgs_memory.score(X, y):.2%}")
print(f"L-BFGS on Dask:   {lbfgs_dask.n_iter_} iterations, {t_dask:.1f} s, "
      f"accuracy {lbfgs_dask.score(X, y):.2%}")
print(f"relative difference of the weights {difference:.1e}; same digit for "
      f"{same_digit:.2%} of the images")
assert difference < 1e-4 and same_digit > 0.999

# %% [markdown]
# Gradient descent agrees to the last digits, as by hand. L-BFGS agrees to about
# $10^{-5}$, and that is all one can ask: it stops once the gradient is below a
# tolerance ($10^{-4}$), and on a problem this flat in some directions, two runs
# whose sums round differently in the 16th digit stop at slightly different
# points, both within the tolerance. A tighter `tol` brings them closer.
#
# The times are this machine's, and the cluster's are longer: every evaluation is
# a round trip to the workers, next to a gradient over 5000 rows that takes a few
# milliseconds in memory. How long is a round trip? We time one evaluation of
# the cost and gradient both ways, taking the median of five:

# %%
def median_seconds(fn, repeats=5):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


W0, b0 = np.zeros((n, K)), np.zeros(K)
t_round_trip = median_seconds(lambda: cost_and_gradient_on_cluster(W0, b0, lam=1.0))
t_in_memory = median_seconds(lambda: cost_and_gradient(W0, b0, X, Y, lam=1.0))
print(f"one cost and gradient: on the cluster {t_round_trip * 1e3:.0f} ms, "
      f"in memory {t_in_memory * 1e3:.1f} ms")
assert t_round_trip >= 0.010   # tens of milliseconds, not "a few"

# %% [markdown]
# A round trip costs tens of milliseconds: the task graph goes to the scheduler,
# the tasks to the workers, and the partial sums (a 400 × 10 gradient per block)
# come back, each step through the network stack even on one machine. That is
# several times the whole gradient in memory. Data parallelism pays when one
# machine cannot hold the rows, or when a block's gradient takes much longer than
# the round trip.
#
# Prediction on a Dask array is lazy too: `predict` returns a Dask array that
# each worker computes for its own blocks when asked.

# %%
digits = lbfgs_dask.predict(Xd)
print(digits)
assert np.array_equal(digits.compute(), lbfgs_dask.predict(X))

# %% [markdown]
# ## 4. More rows than memory: SGD walking the blocks of a file
#
# A file larger than the memory of the cluster cannot be persisted; each pass
# reads it again, block by block. `as_dask` opens a `.npy` file as a memory map
# and puts only its name in the graph: the data stays on disk until a worker reads
# its block. Here a file of a million rows stands in for one too big for memory
# (the tests train on a file larger than the memory of both workers together).

# %%
rows, features = 1_000_000, 20
rng = np.random.default_rng(1)
w_true = rng.standard_normal(features) / 2
X_big = np.lib.format.open_memmap(os.path.join(folder.name, "X_big.npy"), mode="w+",
                                  shape=(rows, features))
y_big = np.lib.format.open_memmap(os.path.join(folder.name, "y_big.npy"), mode="w+",
                                  shape=(rows,), dtype=np.int64)
for start in range(0, rows, 250_000):  # written in pieces, never whole in memory
    part = rng.standard_normal((250_000, features))
    X_big[start:start + 250_000] = part
    y_big[start:start + 250_000] = rng.random(250_000) < 1 / (1 + np.exp(-part @ w_true))
X_big.flush()
y_big.flush()
del X_big, y_big

X_file = as_dask(os.path.join(folder.name, "X_big.npy"), chunk_rows=125_000)
y_file = as_dask(os.path.join(folder.name, "y_big.npy"), chunk_rows=125_000)
graph = pickle.dumps(dict(X_file.__dask_graph__()))
print(f"X: {X_file.nbytes / 1e6:.0f} MB in {X_file.numblocks[0]} blocks; "
      f"its graph: {len(graph) / 1e3:.1f} kB")
assert len(graph) < 10_000

# %% [markdown]
# Mini-batch SGD needs many small steps, one round trip each would be far too
# slow, so `solver="sgd"` walks the blocks instead. Every epoch it draws an order
# of the blocks from its random generator; block by block, it loads the block to
# the driver (one round trip) and takes shuffled mini-batches of it there. The
# driver holds one block at a time, the workers only read, and the result does not
# depend on which worker read what: the same seed gives the same weights on any
# cluster.
#
# `blocks_per_step=k` is the synchronous data-parallel version: at every step,
# $k$ workers compute the gradients of $k$ whole blocks at the same weights, and
# the driver steps with their mean, weighted by rows. A pass is then a few steps
# on very large batches instead of many on small ones. Each is still a
# stochastic step, the gradient of the $k$ blocks and not of the whole file, but
# with far less noise. We compare both with the weights that made the labels.

# %%
check = slice(0, 100_000)  # accuracy measured on the first 100 000 rows
X_check, y_check = X_file[check].compute(), y_file[check].compute()
bayes = np.mean((X_check @ w_true > 0) == y_check)  # the true boundary's accuracy

ways = {"block walk, batches of 500": dict(batch_size=500, learning_rate=0.1),
        "2 blocks per step": dict(blocks_per_step=2, learning_rate=4.0)}
for name, params in ways.items():
    start = time.perf_counter()
    model = LogisticRegression(lam=1, solver="sgd", max_iter=2, tol=0, random_state=0,
                               **params).fit(X_file, y_file)
    seconds = time.perf_counter() - start
    accuracy = model.score(X_check, y_check)
    off = np.linalg.norm(model.coef_[0] - w_true) / np.linalg.norm(w_true)
    print(f"{name:27} 2 passes in {seconds:3.1f} s, accuracy {accuracy:.4f}, "
          f"{off:.1%} off the true weights")
    assert accuracy > bayes - 0.002 and off < 0.05
print(f"{'the true weights':27} {'':19} accuracy {bayes:.4f}")

# %% [markdown]
# Both reach the accuracy of the weights that made the labels, in two passes. The
# block walk takes 4000 small noisy steps; two blocks per step take 8 large ones,
# each the gradient of 250 000 of the 1 000 000 rows. Such a gradient is close to
# the full one (a quarter of the data, drawn from the same distribution), so the
# steps can be long (a learning rate of 4 where batches of 500 need 0.1). That is
# the trade of synchronous data parallelism: few, expensive, low-noise steps,
# each a round trip to all the workers it uses.
#
# ## 5. Synchronous, asynchronous, Hogwild
#
# Everything here is *synchronous*: each step waits for all its blocks, and the
# blocks' gradients are all taken at the current weights. When a step uses every
# block (sections 2 and 3), its gradient is the exact full gradient, so the result
# is the one-machine result; with `blocks_per_step` it is the gradient of those
# blocks, as on one machine with batches that large. But each step is as slow as
# the slowest worker, and a worker that falls behind (a *straggler*) holds up all
# the others.
#
# *Asynchronous* training drops the wait. A parameter server holds the weights;
# each worker fetches them, computes the gradient of its block and sends it back;
# the server applies every gradient the moment it arrives. No one waits, but a
# gradient may have been computed from weights that are $\tau$ updates old:
#
# $$w_{t+1} = w_t - \alpha\,\nabla J_k\bigl(w_{t-\tau}\bigr).$$
#
# Stale gradients act like extra noise and momentum; training still converges if
# the delays stay bounded and the learning rate shrinks as they grow. And the
# result depends on timing, so no two runs give the same weights.
#
# *Hogwild!* (Niu, Recht, Ré and Wright, 2011) goes further on one machine with
# shared memory: threads update the same weights with no locks at all, and
# sometimes overwrite each other's updates. That costs little when each update
# touches only a few weights, as with sparse features (text, say), because two
# threads then rarely touch the same one. With dense features, as here, every
# update touches every weight, and collisions are the rule, not the exception.
#
# Finally, we close the cluster and remove the files.

# %%
# On a busy machine a worker may take a few seconds to exit and is then killed; that is
# harmless here, so the log message it would print is silenced.
logging.getLogger("distributed").setLevel(logging.ERROR)
client.close()
cluster.close()
folder.cleanup()
blas_threads.restore_original_limits()

# %% [markdown]
# ## Summary
#
# * Independent jobs (one-vs-all classes) go to a Dask cluster through
#   `joblib.parallel_config(backend="dask")`: the same fits, bit for bit; the data
#   is sent once.
# * The cost is a sum over rows, so a gradient is a sum over blocks:
#   $\nabla J = \frac1m\bigl[\sum_k m_k \nabla J_k + \lambda [W, 0]\bigr]$. Workers
#   compute their blocks' sums; the driver adds them, adds the penalty once and
#   steps. `LogisticRegression.fit` does this for Dask arrays, with the same
#   `cost_and_gradient`.
# * `as_dask(path, chunk_rows)` reads a `.npy` file block by block, so the data can
#   be larger than memory; SGD then walks the blocks in a seeded order.
# * On one machine a cluster only adds round trips, tens of milliseconds each; it
#   pays off when the data does not fit on one machine.
#
# ## Try this
#
# 1. Change `chunk_rows` from 1250 to 250 in section 2 (20 blocks). Do the cost
#    and the gradient still agree with the in-memory ones, and how does the round
#    trip time change?
# 2. Run `blocks_per_step=1` and `blocks_per_step=8` in section 4 with the same
#    learning rate. Which one is the full gradient, and which is noisier?
# 3. Time `LogisticRegression(lam=1).fit(Xd, yd)` and divide by the number of
#    cost evaluations it made (about `n_iter_` plus line-search steps): is it
#    close to the round trip measured above?
