"""Where annotation and extraction run: in this process, in worker processes on this machine, or on
the workers of a Dask cluster. One code path for all three.

The ingest (``claims.pipeline``) reads articles, decides which need work, and hands each batch to
an *engine*; the engine runs :func:`process_batch` somewhere and gives back a future. The ingest
takes the futures' results in the order it submitted them and stores each article in its own
transaction, in this process, so a run with workers stores exactly what a single process stores,
in the same order. Engines:

- :class:`InProcess` (``--workers 1``): runs the batch at once, here; what ``claims ingest`` always did.
- :class:`LocalWorkers` (``--workers N``): N processes (``spawn``ed, one model load each, torch
  threads = cores / N); a worker that dies (killed, out of memory) is replaced and its batch tried
  once more.
- :class:`DaskWorkers` (``--dask ADDRESS``): the workers of a running ``dask.distributed``
  cluster, through the client's ``concurrent.futures`` executor; each worker process loads the
  model once (``claims.nlp.load_pipeline`` caches it) and must have the same claims installed.

At most ``window`` batches are in flight, so memory stays bounded however long the input is.
What a worker sends back is plain data (:class:`Outcome`); a failure in one article is that
article's outcome, never an exception, so errors are recorded exactly as in a local run.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import signal
import sys
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from claims.extract import EXTRACTOR_VERSION, extract_claims
from claims.nlp import ModelError, ModelSpec, annotate, resolve_model
from claims.types import Article, Claim, ParsedArticle

# Peak resident memory of one worker annotating PolNeAR dev (benchmarks/bench_throughput.py measured
# 718 MB with the syntax heads, 1,004 MB with stanza's parser); the default number of workers leaves
# this much per worker.
WORKER_MEMORY_BYTES = 900_000_000


class EngineError(RuntimeError):
    """The workers cannot do the work at all (not reachable, a different claims); the message says why."""


@dataclass
class Work:
    """One batch for a worker: articles, and for each the cached parse to replay, or None to parse it."""

    articles: list[Article]
    cached: list[ParsedArticle | None]


@dataclass
class Outcome:
    """What became of one article: its parse and claims, or the stage that failed and why."""

    article: Article
    parsed: ParsedArticle | None = None
    claims: list[Claim] | None = None
    failed_stage: str | None = None  # "annotation" or "extraction"
    reason: str | None = None


def failure_reason(exc: BaseException) -> str:
    """``Type: message`` of an exception, as an error row shows it."""
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def process_batch(work: Work, model: Any, model_version: str, extractor_version: str,
                  threads: int | None = None) -> list[Outcome]:
    """Annotate (where there is no cached parse) and extract every article of ``work``.

    ``model``: a ModelSpec, or a model name resolved here (a Dask worker's own install). Raises
    EngineError when this worker's model or extractor differs from the ingest's, ModelError when
    the model cannot load; any other failure is the failing article's outcome. The batch is
    annotated together; when that fails, article by article, so only the culprit is lost.
    """
    if extractor_version != EXTRACTOR_VERSION:
        raise EngineError(f"a worker runs extractor {EXTRACTOR_VERSION}, the ingest {extractor_version}: "
                          "install the same claims on every worker")
    spec = model if isinstance(model, ModelSpec) else resolve_model(model)
    if spec.version != model_version:
        raise EngineError(f"a worker has model {spec.version}, the ingest {model_version}: "
                          "install the same claims (and model) on every worker")
    if threads:
        import torch

        torch.set_num_threads(threads)
    outcomes = [Outcome(article, parsed=cached) for article, cached in zip(work.articles, work.cached)]
    to_parse = [outcome for outcome in outcomes if outcome.parsed is None]
    if to_parse:
        try:
            for outcome, parsed in zip(to_parse, annotate([o.article for o in to_parse], spec)):
                outcome.parsed = parsed
        except ModelError:
            raise
        except Exception:  # noqa: BLE001 - retried article by article below
            for outcome in to_parse:
                try:
                    (outcome.parsed,) = annotate([outcome.article], spec)
                except ModelError:
                    raise
                except Exception as exc:  # noqa: BLE001 - one article's failure is that article's outcome
                    outcome.failed_stage, outcome.reason = "annotation", failure_reason(exc)
    for outcome in outcomes:
        if outcome.parsed is None:
            continue
        try:
            outcome.claims = extract_claims(outcome.article, outcome.parsed)
        except Exception as exc:  # noqa: BLE001
            outcome.failed_stage, outcome.reason = "extraction", failure_reason(exc)
        outcome.parsed.context = {}  # the encoder's vectors served extraction; they are not sent or stored
    return outcomes


class InProcess:
    """Runs each batch here, at once (``--workers 1``)."""

    window = 0
    description = "in this process"

    def __init__(self, spec: Any):
        self.spec = spec

    def submit(self, work: Work, model_version: str, extractor_version: str) -> Future:
        future: Future = Future()
        try:
            future.set_result(process_batch(work, self.spec, model_version, extractor_version))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller through the future
            future.set_exception(exc)
        return future

    def replace_broken(self) -> bool:
        return False

    def release(self) -> None:
        pass

    def close(self) -> None:
        pass


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_workers() -> int:
    """One worker per usable core, as many as memory holds (``WORKER_MEMORY_BYTES`` each)."""
    cores = usable_cores()
    try:
        memory = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return cores
    return max(1, min(cores, memory // WORKER_MEMORY_BYTES))


def start_worker(ingest_pid: int) -> None:
    """A local worker's first step: it ends with the ingest, and exits without tearing down."""
    end_with_the_ingest(ingest_pid)
    atexit.register(exit_at_once)


def exit_at_once() -> None:
    """A worker's last step (the first exit handler to run): by now it has sent every result and
    multiprocessing has flushed its queues, so it leaves at once instead of letting Python take
    torch and the models apart, which costs each worker 0.6 s of CPU at the end of every ingest."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def end_with_the_ingest(ingest_pid: int) -> None:
    """On Linux, ask the kernel to end this worker when the ingest process dies. An ingest killed
    with SIGKILL cannot stop its workers, and they would wait forever."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    pr_set_pdeathsig = 1  # from <sys/prctl.h>
    libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() != ingest_pid:  # the ingest died before the request was made
        os._exit(1)


class LocalWorkers:
    """``count`` worker processes on this machine, torch threads shared out between them."""

    def __init__(self, spec: Any, count: int, threads: int | None = None):
        self.spec = spec
        self.count = count
        self.threads = threads or max(1, usable_cores() // count)
        self.window = 2 * count
        self.description = f"{count} worker processes, {self.threads} torch thread{'s' * (self.threads > 1)} each"
        self.pool = self._start()
        self.stopping: threading.Thread | None = None

    def _start(self) -> ProcessPoolExecutor:
        # spawn: a fresh interpreter per worker; forking a process that has started torch's
        # threads can hang the child.
        return ProcessPoolExecutor(max_workers=self.count, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=start_worker, initargs=(os.getpid(),))

    def submit(self, work: Work, model_version: str, extractor_version: str) -> Future:
        return self.pool.submit(process_batch, work, self.spec, model_version, extractor_version, self.threads)

    def replace_broken(self) -> bool:
        """After a worker died: a new pool (the old one refuses all work). Returns True."""
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.pool = self._start()
        return True

    def release(self) -> None:
        """No more batches: the workers exit (exit_at_once) while the ingest finishes its run;
        close() waits for them."""
        if self.stopping is None:
            self.stopping = threading.Thread(target=self.pool.shutdown, kwargs={"wait": True, "cancel_futures": True},
                                             name="claims-workers-exit", daemon=True)
            self.stopping.start()

    def close(self) -> None:
        """Stop the workers (if release() has not) and wait until they have exited."""
        self.release()
        self.stopping.join()


class DaskWorkers:
    """The workers of the ``dask.distributed`` scheduler at ``address``."""

    def __init__(self, spec: Any, address: str, connect_timeout: float = 30):
        try:
            from distributed import Client
        except ImportError as error:
            raise EngineError("--dask needs dask.distributed: pip install 'dask[distributed]'") from error
        self.model_name = spec.name  # each worker resolves the model in its own install
        try:
            self.client = Client(address, timeout=connect_timeout, set_as_default=False)
        except (OSError, TimeoutError) as error:
            raise EngineError(f"--dask {address}: cannot reach a Dask scheduler there ({error})") from error
        threads = sum(self.client.nthreads().values())
        if not threads:
            self.client.close()
            raise EngineError(f"--dask {address}: the scheduler has no workers; start some with `dask worker {address}`")
        self.window = 2 * threads
        self.description = f"Dask at {address}: {len(self.client.nthreads())} workers, {threads} threads"
        self.executor = self.client.get_executor(pure=False)

    def submit(self, work: Work, model_version: str, extractor_version: str):
        return self.executor.submit(process_batch, work, self.model_name, model_version, extractor_version)

    def replace_broken(self) -> bool:
        return False  # the scheduler retries a task whose worker died, then reports it (KilledWorker)

    def release(self) -> None:
        pass  # the cluster's workers are not ours to stop

    def close(self) -> None:
        self.client.close()


def open_engine(spec: Any, workers: int | None = None, dask: str | None = None) -> InProcess | LocalWorkers | DaskWorkers:
    """The engine for ``--workers`` / ``--dask``: a Dask address wins; ``workers`` None: the default."""
    if dask:
        return DaskWorkers(spec, dask)
    count = default_workers() if workers is None else workers
    if count < 1:
        raise EngineError(f"--workers {count}: give 1 (this process) or more")
    return InProcess(spec) if count == 1 else LocalWorkers(spec, count)


def is_broken_worker(exc: BaseException) -> bool:
    """A worker process died under this batch (local pool broken, or Dask gave up on it)."""
    return isinstance(exc, BrokenProcessPool) or type(exc).__name__ == "KilledWorker"

