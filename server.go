// Command cccs-graph serves the partnership network of the Convention Cadre des
// Centres Sociaux of the Bouches-du-Rhône as a GraphQL graph.
//
//	cccs-graph [serve] [-addr ADDR] [-data DIR] ...   serve (the default)
//	cccs-graph import [-data DIR] FILE...             import dataset files, atomically
//	cccs-graph import -layer TYPE [-source ID] FILE   import a GeoJSON layer of territories (docs/maps.md)
//	cccs-graph import -layer facility [-source ID] [-dry-run] FILE.csv   import a spreadsheet of facilities (docs/dataset.md)
//	cccs-graph export [-data DIR] [-format F] [-asof DATE] [-collection C] [-o FILE]
//	                                                  export the dataset (yaml) or the network (graphml, csv, json)
//	cccs-graph backup [-data DIR] [-o FILE]           write a backup (docs/operations.md)
//	cccs-graph restore [-data DIR] FILE               check a backup, then restore it as a new data directory
//	cccs-graph token create|list|revoke ...           API tokens
//
// import, export, backup and token go through a running server with
// -server URL and an admin -token (its admin endpoints).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes one subcommand and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	commands := map[string]func(context.Context, []string, io.Writer, io.Writer) error{
		"serve": serve, "import": importCmd, "export": exportCmd, "backup": backupCmd, "restore": restoreCmd,
		"token": tokenCmd,
	}
	f, ok := commands[cmd]
	if !ok {
		fmt.Fprintf(stderr, "unknown command %q: use serve, import, export, backup, restore or token (-h for help)\n", cmd)
		return 2
	}
	err := f(ctx, args, stdout, stderr)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	}
	fmt.Fprintf(stderr, "cccs-graph %s: %s\n", cmd, domain.ErrorMessageDetailed(err))
	return 1
}

// errUsage is returned when the flags were wrong (the flag package has said why).
var errUsage = errors.New("usage")

// parse parses a subcommand's flags, with usage text that documents every option.
func parse(fs *flag.FlagSet, args []string, stderr io.Writer, synopsis string) error {
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: cccs-graph %s\n\noptions:\n", synopsis)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	return nil
}

// newLogger is the one logger of a command, handed to every package that logs.
func newLogger(c *config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.logLevel()}
	if c.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// openStore opens the data directory, loading the default dataset into an empty one.
func openStore(ctx context.Context, c *config, log *slog.Logger) (*store.Store, error) {
	return openStoreWith(ctx, c, log, store.DefaultOptions())
}

// openStoreWith is openStore with the store's memory sizes of o.
func openStoreWith(ctx context.Context, c *config, log *slog.Logger, o store.Options) (*store.Store, error) {
	if err := os.MkdirAll(c.Data, 0o755); err != nil {
		return nil, err
	}
	s, err := store.OpenWith(c.Data, log, o)
	if err != nil {
		return nil, err
	}
	loaded, err := s.LoadDefaultIfEmpty(ctx)
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("load the default dataset: %w", err)
	}
	if loaded {
		log.Info("loaded the embedded default dataset", "data", c.Data)
	}
	return s, nil
}

// compact puts the store's tables in one level (store.Compact) before the
// server listens, as opening builds the indexes it lacks: reads at a
// hundred times the default dataset cost less once the tables that imports
// and restarts left are merged (3 to 8 s there, once). In the background it
// would share the CPU with the first requests, and a measure of them. A
// failure leaves the tables as they were, still readable.
func compact(s *store.Store, log *slog.Logger) {
	start := time.Now()
	compacted, err := s.Compact()
	switch {
	case err != nil:
		log.Warn("the tables were not compacted", "err", err)
	case compacted:
		log.Info("compacted the tables into one level", "duration_ms", time.Since(start).Milliseconds())
	}
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c config
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	c.register(fs, true)
	if err := parse(fs, args, stderr, "[serve] [options]\n       cccs-graph import|export|backup|restore|token ... (each takes -h)"); err != nil {
		return err
	}
	if err := c.validate(fs); err != nil {
		return err
	}
	if err := c.loadTrustedDocuments(); err != nil {
		return err
	}
	log := newLogger(&c, stdout)
	if c.trusted != nil {
		log.Info("trusted documents: only these operations run", "file", c.TrustedDocs, "operations", len(c.trusted))
	}
	tables, err := store.TablesSize(c.Data)
	if err != nil {
		return err
	}
	budget, err := planMemory(&c, tables, gomemlimit())
	if err != nil {
		return err
	}
	budget.apply(&c)
	budget.log(log)
	s, err := openStoreWith(ctx, &c, log, budget.storeOptions())
	if err != nil {
		return err
	}
	defer s.Close()
	compact(s, log)

	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return err
	}
	if c.PublicURL == "" {
		c.PublicURL = listenURL(ln.Addr())
	}
	var inFlight sync.WaitGroup // the store closes only after the last handler
	conns := newConnLimit(ln, c.MaxConnections)
	srv := &http.Server{
		Handler:           countRequests(&inFlight, routes(s, &c, log)),
		ConnState:         conns.track,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	log.Info("listening", "addr", ln.Addr().String(), "data", c.Data)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(conns) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		// Requests still run past the deadline: cut their connections and
		// give their handlers a moment, so the store is not closed under them.
		log.Warn("requests still running at the shutdown deadline", "error", err)
		srv.Close()
		if !waitTimeout(&inFlight, 10*time.Second) {
			return fmt.Errorf("handlers still running after shutdown: %w", err)
		}
	}
	log.Info("stopped")
	return nil
}

// listenURL is the base of links when no -public-url is configured: the
// listen address, with localhost for an unspecified IP (never a request's
// Host header).
func listenURL(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if ip := net.ParseIP(host); err == nil && (host == "" || ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// countRequests counts the requests being handled in wg.
func countRequests(wg *sync.WaitGroup, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		wg.Add(1)
		defer wg.Done()
		next.ServeHTTP(w, r)
	})
}

// waitTimeout waits for wg at most d; false when d ran out.
func waitTimeout(wg *sync.WaitGroup, d time.Duration) bool {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
		return true
	case <-time.After(d):
		return false
	}
}

// storeCommand parses a subcommand's flags (define adds its own), runs check
// on them before anything is opened (a typo costs nothing), and opens the data
// directory, loading the default dataset into an empty one; or, given
// -server, returns the remote to go through instead (and no store).
func storeCommand(ctx context.Context, name, synopsis string, args []string, stderr io.Writer, define func(*flag.FlagSet), check func(*flag.FlagSet) error) (*flag.FlagSet, *store.Store, *remote, error) {
	var c config
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	c.register(fs, false)
	if define != nil {
		define(fs)
	}
	if err := parse(fs, args, stderr, synopsis); err != nil {
		return nil, nil, nil, err
	}
	if err := c.validate(fs); err != nil {
		return nil, nil, nil, err
	}
	if check != nil {
		if err := check(fs); err != nil {
			return nil, nil, nil, err
		}
	}
	if c.Server != "" {
		return fs, nil, &remote{Server: c.Server, Token: c.Token}, nil
	}
	s, err := openStore(ctx, &c, newLogger(&c, stderr))
	return fs, s, nil, heldHint(err)
}

// writeOutput runs write on the -o file, or on stdout for "" or "-". The
// file is written whole or not at all: into a temporary file beside it,
// synced and renamed into place, removed when anything fails (a full disk).
func writeOutput(name string, stdout io.Writer, write func(io.Writer) error) error {
	if name == "" || name == "-" {
		return write(stdout)
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".tmp-")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}

// importFlags are the options of import.
type importFlags struct {
	layer, source, reason string
	dryRun, replace       bool
}

func importCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o importFlags
	fs, s, rem, err := storeCommand(ctx, "import", "import [options] FILE...\n       cccs-graph import -layer TYPE [-source ID] [options] FILE", args, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&o.layer, "layer", "", "import FILE as a GeoJSON layer of territories of this type: "+strings.Join(domain.TerritoryTypes, ", ")+
			"; or, with facility, a CSV spreadsheet of facilities")
		fs.StringVar(&o.source, "source", "", "with -layer: id of an existing source node the territories cite (default: a node layer-TYPE-FILE is created)")
		fs.BoolVar(&o.dryRun, "dry-run", false, "print what the import would change (created, changed field by field, unchanged) and write nothing")
		fs.BoolVar(&o.replace, "replace", false, "records replace the stored ones whole (by default they are merged: fields and sources the file does not mention are kept)")
		fs.StringVar(&o.reason, "reason", "", "why, recorded in the history")
	}, func(fs *flag.FlagSet) error {
		// The flag package stops at the first file: an option after it
		// would be read as a file name.
		late := slices.IndexFunc(fs.Args(), func(a string) bool { return strings.HasPrefix(a, "-") })
		switch {
		case late >= 0:
			return domain.Errorf(domain.EBADINPUT, "the options go before the files: %.64q comes after one", fs.Arg(late))
		case o.layer != "" && (o.replace || o.reason != ""):
			return domain.Errorf(domain.EBADINPUT, "-replace and -reason go with dataset files, not -layer")
		case o.layer != "" && fs.NArg() != 1:
			return domain.Errorf(domain.EBADINPUT, "-layer takes one GeoJSON file, not %d", fs.NArg())
		case o.layer == "" && o.source != "":
			return domain.Errorf(domain.EBADINPUT, "-source goes with -layer")
		case fs.NArg() == 0:
			return domain.Errorf(domain.EBADINPUT, "name at least one dataset file to import")
		}
		return nil
	})
	if err != nil {
		return err
	}
	var files []store.File
	for _, name := range fs.Args() {
		b, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		files = append(files, store.File{Name: name, Data: b})
	}
	if rem != nil {
		return remoteImport(rem, &o, files, stdout)
	}
	defer s.Close()
	if o.layer == facilityLayer {
		return importFacilities(ctx, s, files[0], o.source, o.dryRun, stdout)
	}
	if o.layer != "" {
		res, err := s.ImportLayer(ctx, store.Layer{Kind: o.layer, Source: o.source, File: files[0], DryRun: o.dryRun})
		if err != nil {
			return err
		}
		printLayerResult(stdout, o, files[0].Name, res)
		return nil
	}
	res, err := s.ImportWith(ctx, store.ImportOptions{Reason: o.reason, DryRun: o.dryRun, Replace: o.replace}, files...)
	if err != nil {
		return err
	}
	printImportResult(stdout, o, len(files), res)
	return nil
}

// maxPlanLines bounds the records a dry run prints.
const maxPlanLines = 1000

func printImportResult(w io.Writer, o importFlags, files int, res store.ImportResult) {
	if o.dryRun {
		res.WritePlan(w, maxPlanLines)
		fmt.Fprintf(w, "dry run of %d file(s): %d node(s) and %d relation(s) would be written, %d node(s) and %d relation(s) unchanged; nothing was written\n",
			files, res.NodesWritten, res.RelationsWritten, res.NodesUnchanged, res.RelationsUnchanged)
		return
	}
	fmt.Fprintf(w, "imported %d file(s): %d node(s) and %d relation(s) written, %d node(s) and %d relation(s) unchanged\n",
		files, res.NodesWritten, res.RelationsWritten, res.NodesUnchanged, res.RelationsUnchanged)
}

func printLayerResult(w io.Writer, o importFlags, file string, res store.LayerResult) {
	verb, written := "imported", "written"
	if o.dryRun {
		verb, written = "dry run of", "would be written"
	}
	fmt.Fprintf(w, "%s layer %s from %s: %d feature(s); %d territory(ies) created, %d updated, %d unchanged; %d geometry(ies) and %d relation(s) %s\n",
		verb, o.layer, file, res.Features, res.Created, res.Updated, res.Unchanged, res.GeometriesWritten, res.RelationsWritten, written)
	if o.dryRun {
		fmt.Fprintln(w, "nothing was written")
	}
}

func backupCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var out string
	_, s, rem, err := storeCommand(ctx, "backup", "backup [options]", args, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&out, "o", "", "output file, written whole or not at all (default: standard output)")
	}, nil)
	if err != nil {
		return err
	}
	if rem != nil {
		return rem.download("/admin/backup", nil, out, stdout)
	}
	defer s.Close()
	if out != "" && out != "-" {
		size, err := s.BackupSize(ctx)
		if err != nil {
			return err
		}
		if err := store.CheckFree(filepath.Dir(out), uint64(size)+1<<20); err != nil {
			return err
		}
	}
	return writeOutput(out, stdout, func(w io.Writer) error { return s.Backup(ctx, w) })
}

func restoreCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c config
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	c.register(fs, false)
	if err := parse(fs, args, stderr, "restore [options] FILE"); err != nil {
		return err
	}
	if err := c.validate(fs); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return domain.Errorf(domain.EBADINPUT, "name one backup file to restore")
	}
	h, err := store.RestoreDir(ctx, fs.Arg(0), c.Data, newLogger(&c, stderr))
	if err != nil {
		return fmt.Errorf("%s: %s", fs.Arg(0), domain.ErrorMessageDetailed(err))
	}
	fmt.Fprintf(stdout, "restored %s into %s\n", h, c.Data)
	return nil
}
