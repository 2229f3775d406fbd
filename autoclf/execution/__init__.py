"""Where and how a call runs: under a wall-time and a memory limit, in a long-lived worker process.

``worker`` (the limited process and its parent-side watch), ``runner`` (the runner interface and the
serial runner), ``dask_runner`` and ``remote`` (trials on a Dask cluster, each in its Dask worker's own
limited child), ``preload`` (what the forkserver imports once), ``memory`` (process-tree memory, also the
benchmark's), ``status`` (the outcomes every layer shares) and ``mp_workarounds`` (multiprocessing's
rough edges). The search loop sees only the runner interface: it does not know whether trials run one at a
time next to it or many at once on other machines.
"""
