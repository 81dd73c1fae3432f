package main

import (
	"fmt"
	"log/slog"
	"math"
	"os"
	"runtime/debug"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/cccs13/cccs-graph/store"
)

// The server's memory is one budget, the resident size it aims to stay
// within (-memory-limit, else sized for the data), shared out at start:
//
//   - the mapped files, outside the Go heap: the binary's code and Badger's
//     tables (file pages, which the kernel reads in and may drop), as much
//     as they weigh, at most a quarter of the budget;
//   - the rest is the Go runtime's soft limit, within which Badger's memtable
//     (fixed: it bounds the largest import), and as shares of it Badger's
//     block cache, the store's memos (records decoded, names analysed), the
//     caches left at auto (answers, maps, documents), and what requests hold.
//
// docs/operations.md ("Memory") gives the measures behind the figures.
const (
	// minBudget holds the code, Badger's memtable arena (42 MB), its block
	// cache and the caches at auto with a quarter of the Go limit left for
	// the requests (check); below it the collector would run all the time.
	minBudget = 112 << 20
	// baseBudget is the default for data that takes nothing on disk: the
	// default dataset stays under 100 MB resident under bench/run's load.
	baseBudget = 128 << 20
	// budgetPerTableByte is the default budget for each byte of Badger's
	// tables on disk: what the read path keeps decoded (records memoised,
	// kinds sorted for filters, the maps' networks of a date) grows with
	// the data. At 100x (105 MB of tables), 4 gives 548 MiB: 0.6 to 0.7
	// times the resident size of the limit of before (616 MiB), for 1.0 to
	// 1.6 times the CPU per request (the collector marks a live heap near
	// the limit more often, the memos decode again); 3 cost more, 800 MiB
	// the same CPU as before (docs/operations.md).
	budgetPerTableByte = 4
	// codeBytes is the binary's code resident under load (22 MB measured).
	codeBytes = 24 << 20
	// Shares of the Go limit: Badger's block cache (at least 8 MiB, at most
	// 256 MiB), the answer and map caches, the parsed documents, and, in
	// eighths, the store's memos and its read cache (the decoded records at
	// 100x take 170 MB: 3.5 times their stored bytes; the read cache holds
	// those of the version read last, sharing their strings).
	memosShare      = 2
	readCacheShare  = 1
	blockCacheShare = 16
	answersShare    = 16
	mapsShare       = 16
	queriesShare    = 32
	minBlockCache   = 8 << 20
	maxBlockCache   = 256 << 20
	// maxReadCache is the largest read cache the store takes (its entries'
	// weights are int32).
	maxReadCache = math.MaxInt32
	// maxMemoryLimit bounds -memory-limit (16 TiB), so its bytes fit an int64.
	maxMemoryLimit = 1 << 24
)

// autoSize is the value of a cache option left at auto: a share of the budget.
const autoSize = -1

// memoryBudget is the budget and how it is shared out, in bytes.
type memoryBudget struct {
	Total   int64  // the resident size aimed at; 0: none (GOMEMLIMIT=off)
	From    string // what set it: -memory-limit, GOMEMLIMIT or the data
	Mapped  int64  // kept for the mapped files
	GoLimit int64  // the runtime's soft limit; math.MaxInt64 for none
	// Badger's block cache, the store's memos of decoded records and names,
	// and the caches' bytes (those set by their own flag are as given).
	BlockCache, Memos, Answers, Maps, Queries int64
	ReadCache                                 int64 // the store's (store/readcache.go)
}

// planMemory shares out the budget of c for a store whose tables take
// tables bytes on disk: -memory-limit when given; else GOMEMLIMIT when set,
// as the Go limit (off: no budget, the caches at their sizes of before);
// else the default sized for the tables, raised as far as the caches set by
// their own options need.
func planMemory(c *config, tables int64, gomemlimit string) (memoryBudget, error) {
	switch {
	case c.MemoryLimit > 0:
		return share(c, tables, int64(c.MemoryLimit)<<20, 0, "-memory-limit")
	case gomemlimit != "":
		goLimit := debug.SetMemoryLimit(-1) // the runtime read it at start
		if goLimit == math.MaxInt64 {       // off
			b := memoryBudget{From: "GOMEMLIMIT", GoLimit: goLimit, BlockCache: store.DefaultBlockCacheBytes, Memos: store.DefaultMemoBytes,
				Answers: 64 << 20, Maps: 64 << 20, Queries: 32 << 20, ReadCache: 64 << 20}
			b = b.fill(c)
			return b, b.checkReadCache()
		}
		mapped := min(codeBytes+tables, goLimit/3) // a quarter of the total
		return share(c, tables, goLimit+mapped, goLimit, "GOMEMLIMIT")
	}
	total := defaultBudget(tables)
	for {
		b, err := share(c, tables, total, 0, "the data")
		if err == nil || total >= maxDefaultBudget {
			return b, err
		}
		total += 1 << 20
	}
}

// maxDefaultBudget ends the search of a default budget for caches set far
// too large: the error then names them.
const maxDefaultBudget = 1 << 40

// share shares out a budget of total bytes (with goLimit, the Go limit
// given; 0: the total less the mapped files).
func share(c *config, tables, total, goLimit int64, from string) (memoryBudget, error) {
	b := memoryBudget{Total: total, From: from, GoLimit: goLimit}
	if b.Total < minBudget {
		return b, fmt.Errorf("%s: %d MiB is too small a memory budget: Badger's memtable alone takes %d MiB (at least %d MiB)",
			b.From, b.Total>>20, store.MemTableBytes>>20, minBudget>>20)
	}
	b.Mapped = min(codeBytes+tables, b.Total/4)
	if b.GoLimit == 0 {
		b.GoLimit = b.Total - b.Mapped
	} else {
		b.Mapped = b.Total - b.GoLimit
	}
	b.BlockCache = min(max(b.GoLimit/blockCacheShare, minBlockCache), maxBlockCache)
	b.Memos, b.ReadCache = b.GoLimit/8*memosShare, min(b.GoLimit/8*readCacheShare, maxReadCache)
	b.Answers, b.Maps, b.Queries = b.GoLimit/answersShare, b.GoLimit/mapsShare, b.GoLimit/queriesShare
	b = b.fill(c)
	if c.ReadCacheBytes == autoSize {
		b.fitMemos()
	}
	return b, b.check()
}

// fitMemos shrinks the memos and the read cache, both at auto, to what the
// Go limit has left beside Badger and the other caches, in their shares'
// proportion: at the smallest budgets their shares would not fit.
func (b *memoryBudget) fitMemos() {
	room := b.GoLimit - satSum(b.others()...)
	if room <= 0 || b.Memos+b.ReadCache <= room {
		return
	}
	b.Memos = room / (memosShare + readCacheShare) * memosShare
	b.ReadCache = room / (memosShare + readCacheShare) * readCacheShare
}

// others are the parts of the Go limit beside the memos and the read cache:
// Badger's memtable and block cache, the answer, map and document caches.
func (b memoryBudget) others() []int64 {
	return []int64{store.MemTableBytes, b.BlockCache, b.Answers, b.Maps, b.Queries}
}

// satSum adds sizes (0 or more), at most math.MaxInt64: a size given by a
// flag can be as large as an int.
func satSum(sizes ...int64) int64 {
	var n int64
	for _, s := range sizes {
		if s > math.MaxInt64-n {
			return math.MaxInt64
		}
		n += s
	}
	return n
}

// defaultBudget is the budget for tables bytes of Badger's tables.
func defaultBudget(tables int64) int64 {
	return (baseBudget + budgetPerTableByte*tables + 1<<20 - 1) &^ (1<<20 - 1) // whole MiB
}

// fill takes the cache sizes set by their own options instead of the shares.
func (b memoryBudget) fill(c *config) memoryBudget {
	for _, s := range []struct {
		set  int
		into *int64
	}{{c.CacheBytes, &b.Answers}, {c.MapCacheBytes, &b.Maps}, {c.QueryCacheBytes, &b.Queries}, {c.ReadCacheBytes, &b.ReadCache}} {
		if s.set != autoSize {
			*s.into = int64(s.set)
		}
	}
	return b
}

// check refuses caches set by their options that leave less than a quarter
// of the Go limit to the requests once Badger has its part, caches that
// with the memos and the read cache exceed the Go limit, and a read cache
// of more than half of it (like the memos, a share of the heap) or over
// the store's 2 GiB.
func (b memoryBudget) check() error {
	if err := b.checkReadCache(); err != nil {
		return err
	}
	if b.ReadCache > b.GoLimit/2 {
		return fmt.Errorf("%s: a memory budget of %d MiB leaves %d MiB to the Go heap, too little for a read cache of %d MiB (-read-cache-bytes, at most half of it): raise -memory-limit or lower the cache (auto takes an eighth)",
			b.From, b.Total>>20, b.GoLimit>>20, b.ReadCache>>20)
	}
	others := satSum(b.others()...)
	if others <= b.GoLimit/4*3 && satSum(others, b.Memos, b.ReadCache) <= b.GoLimit {
		return nil
	}
	return fmt.Errorf("%s: a memory budget of %d MiB leaves %d MiB to the Go heap, too little for Badger's memtable (%d MiB) and block cache (%d MiB), the store's memos (%d MiB) and caches of %d MiB of answers (-cache-bytes), %d MiB of maps (-map-cache-bytes), %d MiB of documents (-query-cache-bytes) and %d MiB of decoded records (-read-cache-bytes), with a quarter of it left for the requests beside the memos and the read cache: raise -memory-limit or lower the caches (auto takes a share of the budget)",
		b.From, b.Total>>20, b.GoLimit>>20, store.MemTableBytes>>20, b.BlockCache>>20, b.Memos>>20, b.Answers>>20, b.Maps>>20, b.Queries>>20, b.ReadCache>>20)
}

// checkReadCache refuses a read cache over the store's largest.
func (b memoryBudget) checkReadCache() error {
	return require(b.ReadCache <= maxReadCache, "%s: a read cache of %d MiB (-read-cache-bytes) is over the store's largest, 2 GiB", b.From, b.ReadCache>>20)
}

// apply sets the runtime's soft limit and the cache sizes of c.
func (b memoryBudget) apply(c *config) {
	debug.SetMemoryLimit(b.GoLimit)
	c.CacheBytes, c.MapCacheBytes, c.QueryCacheBytes, c.ReadCacheBytes = int(b.Answers), int(b.Maps), int(b.Queries), int(b.ReadCache)
}

// storeOptions are the store's sizes under the budget.
func (b memoryBudget) storeOptions() store.Options {
	return store.Options{BlockCacheBytes: b.BlockCache, MemoBytes: b.Memos, ReadCacheBytes: b.ReadCache}
}

// log says how the server shares its memory out.
func (b memoryBudget) log(log *slog.Logger) {
	mib := func(n int64) string {
		if n == math.MaxInt64 {
			return "none"
		}
		return strconv.FormatInt(n>>20, 10)
	}
	log.Info("memory budget", "MiB", mib(b.Total), "from", b.From, "goLimitMiB", mib(b.GoLimit), "mappedMiB", mib(b.Mapped),
		"blockCacheMiB", mib(b.BlockCache), "memosMiB", mib(b.Memos), "answersMiB", mib(b.Answers), "mapsMiB", mib(b.Maps), "documentsMiB", mib(b.Queries), "readCacheMiB", mib(b.ReadCache))
}

// parseSize parses a cache option's bytes: auto, or 0 or more.
func parseSize(text string) (int, error) {
	if text == "auto" {
		return autoSize, nil
	}
	n, err := strconv.Atoi(text)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("must be auto or 0 or more bytes, not %.40q", text)
	}
	return n, nil
}

// sizeFlag is the flag.Value of a cache option.
type sizeFlag struct{ p *int }

func (f sizeFlag) String() string {
	if f.p == nil || *f.p == autoSize {
		return "auto"
	}
	return strconv.Itoa(*f.p)
}

func (f sizeFlag) Set(text string) (err error) {
	*f.p, err = parseSize(text)
	return err
}

// gomemlimit is the GOMEMLIMIT of the environment.
func gomemlimit() string { return os.Getenv("GOMEMLIMIT") }

// blockCacheMetrics exports the counts of Badger's block cache, whose size
// the budget sets.
func blockCacheMetrics(reg *prometheus.Registry, s *store.Store) {
	reg.MustRegister(
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "cccs_store_block_cache_hits_total",
			Help: "Reads of Badger's table blocks found decompressed in its block cache."},
			func() float64 { return float64(s.BlockCache().Hits) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "cccs_store_block_cache_misses_total",
			Help: "Reads of Badger's table blocks that decompressed the block again (the cache is a share of -memory-limit)."},
			func() float64 { return float64(s.BlockCache().Misses) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "cccs_store_block_cache_bytes",
			Help: "Bytes of the blocks Badger's block cache holds."},
			func() float64 { return float64(s.BlockCache().Bytes) }))
}
