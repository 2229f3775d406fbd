"""Where trials run: one local worker process (``SerialRunner``) or a Dask cluster (``DaskRunner``).

The search loop talks to a runner only through ``submit`` / ``wait_any`` / ``call``, so it does not know
whether trials run one at a time next to it or many at once on other machines.
"""
