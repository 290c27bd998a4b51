"""`make bench`: rectrack's throughput, latency and footprint against raw Temporal.

Every figure is measured next to a baseline in the same run on the same machine (bench.run
starts its own dev server and workers), because a shared 2-core machine makes absolute
figures noisy; see bench/README.md.
"""
