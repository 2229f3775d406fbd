"""One trial: splits, fitting under limits in a worker process, scoring, the run store."""
