# Guest side of bench-metrics: one /metrics scrape of the real kipvsd at 10k Services x 10 endpoints.
metrics_bench
