"""Workers: claim due jobs, run them, log them. Owns the transactions.

One dispatcher thread claims jobs (one transaction per batch) and a pool
of threads runs them, each thread with its own ZODB connection. A run's
transaction holds the runner's own writes, its log entry (whose execution
id marks the run as ended) and any retry: one outcome. The dispatcher then
settles finished claims, queues released overlap runs, renews the worker's
lease and reaps the claims of workers whose lease ran out.

Modules, each owning one concept:

``facade``      the ``Worker``: builds the parts, runs until stopped
``dispatcher``  the claim cycle and its sleep
``session``     the dispatcher's transactions (events, commit callbacks)
``claiming``    due jobs turned into claims, NOTRUN entries or held runs
``leases``      this worker's lease; lost workers reaped
``settle``      claims settled in the queue: completed, or interrupted
``book``        the claims in flight, as this worker knows them
``pace``        quick or slow runs, and what follows (capacity, groups)
``backlog``     claimed jobs waiting for a pool thread
``lane``        quick computing runs taking turns
``pool``        the threads running claimed jobs
``group``       a transaction of quick runs sharing one commit
``execution``   one run: prepared, invoked, logged; a run alone, retried
``runner_call`` calling a runner, with its timeout; the outcome
``isolation``   child processes forked ahead for process-isolated runs
``crons``       the crons of jobs, looked up once per transaction
``firing``      events fired after a commit, their subscribers' writes saved
``alerting``    the periodic alert check (``zcron.alerts``)
``shutdown``    a worker's stop: marked stopping, unstarted claims released
``here``        one job run in the calling process (``zcron run --here``)
``stats``       the counts a worker reports
"""
from zcron.worker.facade import Worker

__all__ = ["Worker"]
