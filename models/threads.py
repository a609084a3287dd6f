"""Thread counts that hold up when the cores are busy.

Cadenza's inference is mostly batch 1 (one message, one melody): matrices too small for a
second BLAS thread to pay, and OpenBLAS/OpenMP threads that spin while they wait take the
cores other processes need. Measured on 2 busy cores, two spinning threads made routing 4x
and a chorale 2.5x slower. So a front end sets one thread and a passive wait policy before
numpy loads (`one_thread_by_default`), and the few bulk jobs (hundreds of texts to encode)
take the idle cores back for their duration (`bulk`), as many as the load leaves free.
Training keeps the libraries' defaults. A value the producer set in the environment wins.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
BULK_MIN = 64  # texts in one call from which a second thread pays


def one_thread_by_default() -> None:
    """Before numpy is imported: one thread and passive waiting unless the environment says."""
    for name in THREAD_VARS:
        os.environ.setdefault(name, "1")
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def free_cores() -> int:
    """Cores the last minute's load leaves idle (at least 1)."""
    cores = os.cpu_count() or 1
    try:
        load = os.getloadavg()[0]
    except OSError:
        return cores
    return max(1, min(cores, round(cores - load + 1)))


@contextlib.contextmanager
def bulk(n_items: int) -> Iterator[None]:
    """Use the free cores for a big batch; a small one (or an explicit setting) is left alone."""
    if n_items < BULK_MIN or any(os.environ.get(v) not in (None, "1") for v in THREAD_VARS):
        yield
        return
    cores = free_cores()
    if cores <= 1:
        yield
        return
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=cores, user_api="blas"):
        yield
