"""formcheck batch: many sets analysed once each, into one SQLite table, one page per set and a
coach's dashboard (formcheck.batching.run.batch, re-exported as formcheck.batch)."""
