"""Many replicates: the runner and executors (local or Dask), the run store on disk,
streaming aggregates, tables, summaries, results loading and batches. May import the engine and
everything below it."""
