package main

import (
	"flag"
	"io"
	"math"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/cccs13/cccs-graph/store"
)

const mib = 1 << 20

// planned parses args as serve's options and shares out their budget for
// tables bytes of tables.
func planned(t *testing.T, tables int64, env string, args ...string) (memoryBudget, error) {
	t.Helper()
	var c config
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c.register(fs, true)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	if err := c.validate(fs); err != nil {
		t.Fatal(err)
	}
	return planMemory(&c, tables, env)
}

// The default budget is sized for the tables on disk, and shared out: the
// mapped files, the Go limit, and shares of it for Badger's block cache and
// the caches left at auto.
func TestMemoryBudgetShares(t *testing.T) {
	for _, tc := range []struct {
		tables                                 int64
		args                                   []string
		total, mapped, goLimit, block, answers int64
		from                                   string
	}{
		{0, nil, 128 * mib, 24 * mib, 104 * mib, 8 * mib, 104 * mib / 16, "the data"},
		{2 * mib, nil, 136 * mib, 26 * mib, 110 * mib, 8 * mib, 110 * mib / 16, "the data"},
		// 100x: 105 MB of tables; a quarter of the budget for them
		{105 * mib, nil, 548 * mib, 129 * mib, 419 * mib, 419 * mib / 16, 419 * mib / 16, "the data"},
		{105 * mib, []string{"-memory-limit", "256"}, 256 * mib, 64 * mib, 192 * mib, 12 * mib, 12 * mib, "-memory-limit"},
		{0, []string{"-memory-limit", "8192"}, 8192 * mib, 24 * mib, 8168 * mib, 256 * mib, 8168 * mib / 16, "-memory-limit"},
	} {
		b, err := planned(t, tc.tables, "", tc.args...)
		if err != nil {
			t.Fatalf("%d, %v: %v", tc.tables, tc.args, err)
		}
		want := memoryBudget{Total: tc.total, From: tc.from, Mapped: tc.mapped, GoLimit: tc.goLimit, BlockCache: tc.block,
			Memos: tc.goLimit * 2 / 8, Answers: tc.answers, Maps: tc.answers, Queries: tc.goLimit / 32, ReadCache: tc.goLimit / 8}
		if room := tc.goLimit - store.MemTableBytes - tc.block - 2*tc.answers - tc.goLimit/32; want.Memos+want.ReadCache > room {
			want.Memos, want.ReadCache = room/3*2, room/3 // their shares do not fit beside Badger and the caches
		}
		if b != want {
			t.Errorf("%d MiB of tables, %v:\n got %+v\nwant %+v", tc.tables>>20, tc.args, b, want)
		}
		if b.Mapped+b.GoLimit != b.Total {
			t.Errorf("%v: the parts do not add up to the budget", tc.args)
		}
	}
}

// Caches set larger than their shares raise the default budget as far as
// they need, and no further.
func TestDefaultMemoryBudgetHoldsTheCachesAsked(t *testing.T) {
	b, err := planned(t, 2*mib, "", "-cache-bytes", "67108864")
	if err != nil {
		t.Fatal(err)
	}
	if b.Answers != 64*mib || b.Total <= 136*mib || b.check() != nil {
		t.Errorf("budget %+v", b)
	}
	c := config{CacheBytes: 64 * mib, MapCacheBytes: autoSize, QueryCacheBytes: autoSize}
	if _, err := share(&c, 2*mib, b.Total-1*mib, 0, "the data"); err == nil {
		t.Errorf("a budget of %d MiB holds the cache too", b.Total>>20-1)
	}
	if b, err := planned(t, 2*mib, "", "-cache-bytes", "0"); err != nil || b.Total != 136*mib || b.Answers != 0 {
		t.Errorf("-cache-bytes 0: %+v, %v", b, err)
	}
}

// A cache given its own size keeps it; 0 switches it off.
func TestMemoryBudgetKeepsCachesSetByTheirFlags(t *testing.T) {
	t.Setenv("CCCS_MAP_CACHE_BYTES", "1000")
	b, err := planned(t, 0, "", "-memory-limit", "512", "-cache-bytes", "0", "-query-cache-bytes", "4096")
	if err != nil {
		t.Fatal(err)
	}
	if b.Answers != 0 || b.Maps != 1000 || b.Queries != 4096 || b.GoLimit != 488*mib {
		t.Errorf("budget = %+v", b)
	}
	var c config
	b.apply(&c)
	defer debug.SetMemoryLimit(math.MaxInt64)
	if c.CacheBytes != 0 || c.MapCacheBytes != 1000 || c.QueryCacheBytes != 4096 || debug.SetMemoryLimit(-1) != 488*mib {
		t.Errorf("applied: %+v, Go limit %d", c, debug.SetMemoryLimit(-1))
	}
}

// GOMEMLIMIT, when -memory-limit is not given, is the Go limit; off leaves
// the runtime without one and the caches at their sizes of before.
func TestMemoryBudgetFromGOMEMLIMIT(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(300 * mib))
	b, err := planned(t, 10*mib, "300MiB")
	if err != nil {
		t.Fatal(err)
	}
	if b.From != "GOMEMLIMIT" || b.GoLimit != 300*mib || b.Mapped != 34*mib || b.Total != 334*mib {
		t.Errorf("budget = %+v", b)
	}
	if b, err = planned(t, 10*mib, "300MiB", "-memory-limit", "200"); err != nil || b.From != "-memory-limit" || b.Total != 200*mib {
		t.Errorf("the flag over GOMEMLIMIT: %+v, %v", b, err)
	}
	debug.SetMemoryLimit(math.MaxInt64)
	b, err = planned(t, 10*mib, "off")
	if err != nil {
		t.Fatal(err)
	}
	if b.Total != 0 || b.GoLimit != math.MaxInt64 || b.BlockCache != store.DefaultBlockCacheBytes || b.Answers != 64*mib || b.Queries != 32*mib {
		t.Errorf("GOMEMLIMIT=off: %+v", b)
	}
}

// A budget too small for Badger, or for the caches asked, is refused with
// the flags to change.
func TestMemoryBudgetRefusals(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(40 * mib))
	if _, err := planned(t, 0, "40MiB"); err == nil || !strings.HasPrefix(err.Error(), "GOMEMLIMIT: 53 MiB is too small a memory budget") {
		t.Errorf("GOMEMLIMIT=40MiB: %v", err)
	}
	_, err := planned(t, 0, "", "-memory-limit", "256", "-cache-bytes", "134217728")
	if err == nil || !strings.HasPrefix(err.Error(), "-memory-limit: a memory budget of 256 MiB leaves 232 MiB to the Go heap") ||
		!strings.Contains(err.Error(), "128 MiB of answers (-cache-bytes)") {
		t.Errorf("caches over the budget: %v", err)
	}
	for _, args := range [][]string{{"-memory-limit", "111"}, {"-memory-limit", "-1"}} {
		var c config
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		c.register(fs, true)
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		if err := c.validate(fs); err == nil || !strings.HasPrefix(err.Error(), "-memory-limit: "+args[1]+" MiB is too small") {
			t.Errorf("%v: %v", args, err)
		}
	}
}

// The smallest budget holds Badger and the caches at auto, for small data
// and for data whose tables take a quarter of it.
func TestSmallestMemoryBudgetHoldsTheCachesAtAuto(t *testing.T) {
	for _, tables := range []int64{0, 28 * mib, 1 << 30} {
		b, err := planned(t, tables, "", "-memory-limit", "112")
		if err != nil || b.Total != 112*mib {
			t.Errorf("%d MiB of tables: %+v, %v", tables>>20, b, err)
		}
		if sum := satSum(append(b.others(), b.Memos, b.ReadCache)...); sum > b.GoLimit || b.Memos < 12*mib || b.ReadCache < 6*mib {
			t.Errorf("%d MiB of tables: %d MiB of caches and memos in a Go limit of %d: %+v", tables>>20, sum>>20, b.GoLimit>>20, b)
		}
	}
}

// The cache options take auto or bytes; anything else is refused, on the
// command line and in the environment.
func TestCacheSizeOptions(t *testing.T) {
	for _, text := range []string{"-1", "64MiB", "", "lots"} {
		var c config
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		c.register(fs, true)
		err := fs.Parse([]string{"-cache-bytes", text})
		if err == nil || !strings.Contains(err.Error(), "must be auto or 0 or more bytes") {
			t.Errorf("-cache-bytes %q: %v", text, err)
		}
	}
	t.Setenv("CCCS_QUERY_CACHE_BYTES", "-5")
	var c config
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	c.register(fs, true)
	if err := c.validate(fs); err == nil || !strings.Contains(err.Error(), `CCCS_QUERY_CACHE_BYTES="-5" is not auto or 0 or more bytes`) {
		t.Errorf("bad environment value: %v", err)
	}
	if c.CacheBytes != autoSize || fs.Lookup("cache-bytes").DefValue != "auto" {
		t.Errorf("-cache-bytes defaults to %d, shown %q", c.CacheBytes, fs.Lookup("cache-bytes").DefValue)
	}
}

// A large budget opens the store: the read cache at auto stops at the
// store's 2 GiB; one set over it is refused, naming its flag.
func TestLargeMemoryBudgetOpensTheStore(t *testing.T) {
	b, err := planned(t, 0, "", "-memory-limit", "20000")
	if err != nil || b.ReadCache != math.MaxInt32 {
		t.Fatalf("-memory-limit 20000: %+v, %v", b, err)
	}
	s, err := store.OpenWith("", nil, b.storeOptions())
	if err != nil {
		t.Fatalf("-memory-limit 20000: %v", err)
	}
	s.Close()
	const over = "(-read-cache-bytes) is over the store's largest, 2 GiB"
	if _, err := planned(t, 0, "", "-memory-limit", "20000", "-read-cache-bytes", "2147483648"); err == nil || !strings.Contains(err.Error(), over) {
		t.Errorf("a read cache of 2 GiB: %v", err)
	}
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	if _, err := planned(t, 0, "off", "-read-cache-bytes", "3000000000"); err == nil || !strings.Contains(err.Error(), over) {
		t.Errorf("GOMEMLIMIT=off, a read cache of 3 GB: %v", err)
	}
}

// Sizes too large to add up are refused, not wrapped around.
func TestHugeMemorySizesAreRefused(t *testing.T) {
	var c config
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	c.register(fs, true)
	if err := fs.Parse([]string{"-memory-limit", "17592186044416200"}); err != nil {
		t.Fatal(err)
	}
	if err := c.validate(fs); err == nil || !strings.HasPrefix(err.Error(), "-memory-limit: 17592186044416200 MiB is too large a memory budget (at most 16777216") {
		t.Errorf("-memory-limit 17592186044416200: %v", err)
	}
	huge := "9223372036854775807"
	for _, args := range [][]string{
		{"-memory-limit", "300", "-cache-bytes", huge, "-map-cache-bytes", huge},
		{"-memory-limit", "300", "-query-cache-bytes", huge},
		{"-memory-limit", "16777216", "-cache-bytes", huge, "-map-cache-bytes", huge, "-query-cache-bytes", huge},
	} {
		if b, err := planned(t, 0, "", args...); err == nil || !strings.Contains(err.Error(), "raise -memory-limit or lower the caches") {
			t.Errorf("%v: %+v, %v", args, b, err)
		}
	}
}

// The read cache and the memos count within the Go limit: with Badger and
// the other caches they may not exceed it.
func TestMemoryBudgetCountsTheReadCacheAndMemos(t *testing.T) {
	_, err := planned(t, 0, "", "-memory-limit", "300", "-read-cache-bytes", "136314880")
	if err == nil || !strings.HasPrefix(err.Error(), "-memory-limit: a memory budget of 300 MiB leaves 276 MiB to the Go heap") ||
		!strings.Contains(err.Error(), "the store's memos (69 MiB)") || !strings.Contains(err.Error(), "130 MiB of decoded records (-read-cache-bytes)") {
		t.Errorf("-memory-limit 300 -read-cache-bytes 130 MiB: %v", err)
	}
	if b, err := planned(t, 0, "", "-memory-limit", "300", "-read-cache-bytes", "67108864"); err != nil || b.ReadCache != 64*mib {
		t.Errorf("-memory-limit 300 -read-cache-bytes 64 MiB: %+v, %v", b, err)
	}
}
