package main

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/cccs13/cccs-graph/store"
)

// registerReadCache publishes the store's read cache counters in /metrics;
// its size is a share of the memory budget (memory.go, -read-cache-bytes).
func registerReadCache(reg prometheus.Registerer, s *store.Store) {
	counter := func(name, help string, v func(store.ReadCacheStats) int64) {
		reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help},
			func() float64 { return float64(v(s.ReadCacheStats())) }))
	}
	counter("cccs_store_read_cache_hits_total", "Reads of a node or a relation list that the store's read cache answered.",
		func(st store.ReadCacheStats) int64 { return st.Hits })
	counter("cccs_store_read_cache_misses_total", "Reads of a node or a relation list that the store's read cache did not hold.",
		func(st store.ReadCacheStats) int64 { return st.Misses })
	counter("cccs_store_read_cache_evictions_total", "Entries the store's read cache dropped to stay within its bytes.",
		func(st store.ReadCacheStats) int64 { return st.Evictions })
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "cccs_store_read_cache_bytes", Help: "Bytes the store's read cache holds (an estimate of the decoded records).",
	}, func() float64 { return float64(s.ReadCacheStats().Bytes) }))
}
