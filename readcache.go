package main

import (
	"fmt"
	"log/slog"
	"math"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/cccs13/cccs-graph/store"
)

// The store's read cache (store/readcache.go) is sized with the memory
// limit: an eighth of it by default, so at 1x (100 MiB) it holds the whole
// decoded dataset and the server stays within its limit; more than half the
// limit is refused (the collector would run all the time).
const (
	readCacheShare   = 8
	noLimitReadCache = 64 << 20 // with no memory limit (GOMEMLIMIT=off)
)

// readCacheBytes is the read cache's budget: -read-cache-bytes, or, when it
// is -1, the default for the memory limit (in bytes; math.MaxInt64: none).
func readCacheBytes(flag int, limit int64) (int, error) {
	switch {
	case flag == -1 && limit == math.MaxInt64:
		return noLimitReadCache, nil
	case flag == -1:
		return int(limit / readCacheShare), nil
	case limit != math.MaxInt64 && int64(flag) > limit/2:
		return 0, fmt.Errorf("-read-cache-bytes: %d bytes is more than half the memory limit (%d MiB): lower it, or raise -memory-limit", flag, limit>>20)
	}
	return flag, nil
}

// setReadCache sizes s's read cache for c and the memory limit, and logs it.
func setReadCache(log *slog.Logger, c *config, s *store.Store, limit int64) error {
	n, err := readCacheBytes(c.ReadCacheBytes, limit)
	if err != nil {
		return err
	}
	if err := s.SetReadCacheBytes(n); err != nil {
		return err
	}
	log.Info("read cache", "MiB", float64(n)/(1<<20))
	return nil
}

// registerReadCache publishes the read cache's counters in /metrics.
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
