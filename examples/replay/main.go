// Replay imports a real service-desk event log, loads every case into an incident
// store through the batch path, and reports what the log says about the process: the
// continual-improvement metrics, how far the real process strays from the incident
// lifecycle, and an HTML report with charts.
//
//	go run ./examples/replay [-mapping uci|bpic2014|FILE] [-html report.html] log.csv.gz
//	go run ./examples/replay log.csv.gz -mapping bpic2014
//	go run ./examples/replay log.csv.gz -hours "Mon-Fri 08:00-18:00" -zone Europe/Amsterdam
//
// The logs this was built on (the UCI ServiceNow incident log and the BPIC 2014
// Rabobank sample) ship with mappings; any other CSV log needs a mapping file (see
// package itsm/eventlog).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"time"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/calendar"
	"github.com/itsmkit/itsmkit/itsm/eventlog"
	"github.com/itsmkit/itsmkit/itsm/improvement"
	"github.com/itsmkit/itsmkit/lifecycle"
	"github.com/itsmkit/itsmkit/storage/memory"
	"github.com/itsmkit/itsmkit/storage/sqlstore/sqlite"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return // -h asked for the usage, which is printed: not a failure
		}
		fmt.Fprintln(os.Stderr, "replay:", err)
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

var errUsage = errors.New("usage: replay [-mapping uci|bpic2014|FILE] [-store sqlite|memory] [-db FILE] [-html FILE] [-batch N] [-hours WEEK [-zone ZONE]] log.csv[.gz]")

// config is what the command line asks for.
type config struct {
	log, mapping, html string
	store, db          string
	batch              int
	hours, zone        string // business hours, for business time
}

func parse(args []string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("replay", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, errUsage)
		fs.PrintDefaults()
	}
	var c config
	fs.StringVar(&c.mapping, "mapping", "uci", "the log's mapping: uci, bpic2014, or a mapping JSON file")
	fs.StringVar(&c.html, "html", "replay-report.html", "where to write the HTML report (\"\" for none)")
	fs.IntVar(&c.batch, "batch", incident.DefaultBatchSize, "records per transaction when loading the store")
	fs.StringVar(&c.store, "store", "sqlite", "where to load the incidents: sqlite or memory")
	fs.StringVar(&c.db, "db", "", "the SQLite database file (default: one in a temporary directory, removed on exit)")
	fs.StringVar(&c.hours, "hours", "", `business hours, such as "Mon-Fri 09:00-17:00": adds business time to every duration`)
	fs.StringVar(&c.zone, "zone", "", "the IANA time zone of -hours (default UTC)")
	// The flag package stops at the first argument that is not a flag; flags may
	// also follow the log ("replay log.csv.gz -mapping uci"), so parse on after it.
	var files []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return c, err // -h or -help: the usage is printed
			}
			return c, fmt.Errorf("%w: %v", errUsage, err)
		}
		if fs.NArg() == 0 {
			break
		}
		files, args = append(files, fs.Arg(0)), fs.Args()[1:]
	}
	if len(files) != 1 || (c.store != "sqlite" && c.store != "memory") || (c.zone != "" && c.hours == "") {
		return c, errUsage
	}
	c.log = files[0]
	return c, nil
}

func loadMapping(name string) (*eventlog.Mapping, error) {
	switch name {
	case "uci":
		return eventlog.UCIMapping(), nil
	case "bpic2014":
		return eventlog.BPIC2014Mapping(), nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return eventlog.LoadMapping(f)
}

// stampsOf names the journal fields that hold milestone stamps, under the names the
// incident practice writes, when the mapping fills them from a column or stamps them
// at an activity (the UCI log stamps opened_at, resolved_at and closed_at; the BPIC
// 2014 mapping stamps first_assigned_at at the first Assignment). Every other
// milestone is derived from the journal (see improvement.Record).
func stampsOf(m *eventlog.Mapping) improvement.Stamps {
	name := func(field string) string {
		if _, ok := m.Fields[field]; ok {
			return field
		}
		if m.Activity != nil {
			for _, stamped := range m.Activity.Stamps {
				if stamped == field {
					return field
				}
			}
		}
		return ""
	}
	return improvement.Stamps{Opened: name("opened_at"), Assigned: name("first_assigned_at"),
		Resolved: name("resolved_at"), Closed: name("closed_at")}
}

// results is everything the replay learned, for the text and HTML reports.
type results struct {
	log        string
	mapping    string
	imported   *eventlog.Report
	loaded     int
	notLoaded  map[string]int
	metrics    improvement.Report
	strict     lifecycle.Report[incident.State]
	relaxed    lifecycle.Report[incident.State]
	resolution []time.Duration // open → resolved per incident, for the histogram
	moves      map[[2]incident.State]int
	firsts     map[string]int           // the first states of the incidents that do not start new
	attainment []improvement.Attainment // of the default incident SLAs, 24×7
	hours      string                   // the business hours of the business times, "" for none
	elapsed    time.Duration
}

// businessHours returns the calendar of the -hours and -zone flags, nil without them.
func businessHours(cfg config) (improvement.Calendar, error) {
	if cfg.hours == "" {
		return nil, nil
	}
	week, err := calendar.ParseWeek(cfg.hours)
	if err != nil {
		return nil, fmt.Errorf("-hours: %w", err)
	}
	cal, err := calendar.New(calendar.Spec{Location: cfg.zone, Week: week})
	if err != nil {
		return nil, fmt.Errorf("-hours, -zone: %w", err)
	}
	return cal, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parse(args, stderr)
	if err != nil {
		return err
	}
	mapping, err := loadMapping(cfg.mapping)
	if err != nil {
		return fmt.Errorf("mapping %q: %w", cfg.mapping, err)
	}
	f, err := os.Open(cfg.log)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}

	repo, where, closeStore, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer closeStore()
	fmt.Fprintln(stdout, "Store:", where)
	loader, err := incident.NewLoader(repo, cfg.batch)
	if err != nil {
		return err
	}
	stamps := stampsOf(mapping)
	business, err := businessHours(cfg)
	if err != nil {
		return err
	}
	collector, err := improvement.NewCollector(improvement.Options{Stamps: stamps, Calendar: business})
	if err != nil {
		return err
	}
	strict := incident.DefaultLifecycle()
	relaxed, err := incident.NewLifecycle(incident.LifecycleOptions{ResolveFromNew: true, ReopenClosed: true})
	if err != nil {
		return err
	}

	res := results{log: cfg.log, mapping: cfg.mapping, notLoaded: map[string]int{}, hours: cfg.hours}
	if cfg.hours != "" && cfg.zone != "" {
		res.hours += " " + cfg.zone
	}
	slas := incident.DefaultSLAsFor(relaxed, nil) // the lifecycle the log is read with
	res.attainment = make([]improvement.Attainment, len(slas))
	for i, d := range slas {
		res.attainment[i].Definition = d.ID()
	}
	var sequences [][]incident.State
	bar := newProgress(stderr, fi.Size())
	began := time.Now()
	opts := eventlog.Options{Tenant: "replay", Trigger: triggerFor(relaxed)}
	res.imported, err = eventlog.Import(ctx, bar.reader(f), mapping, opts, func(c eventlog.Case) error {
		bar.tick()
		if err := collector.Add(c.Events); err != nil {
			return fmt.Errorf("case %s: %w", c.ID, err)
		}
		sequences = append(sequences, statesOf(c))
		att, err := improvement.SLAAttainment(slices.Values([][]itsm.Event{c.Events}), slas, improvement.Options{Stamps: stamps})
		if err != nil {
			return err
		}
		for i, a := range att {
			res.attainment[i].Met += a.Met
			res.attainment[i].Breached += a.Breached
			res.attainment[i].Open += a.Open
			res.attainment[i].Cancelled += a.Cancelled
		}
		if rec, err := improvement.ReadRecord(c.Events, time.Time{}, stamps); err == nil && !rec.Resolved.IsZero() {
			res.resolution = append(res.resolution, rec.Resolved.Sub(rec.Opened))
		}
		return res.notLoadedBy(loader.Add(ctx, c.ID, c.Events))
	})
	bar.finish()
	if err != nil {
		return err
	}
	if err := res.notLoadedBy(loader.Flush(ctx)); err != nil {
		return err
	}
	res.elapsed = time.Since(began)
	res.loaded = loader.Loaded()
	res.metrics = collector.Report()
	res.strict = lifecycle.Check(strict, sequences)
	res.relaxed = lifecycle.Check(relaxed, sequences)
	res.moves = moves(sequences)
	res.firsts = map[string]int{}
	for _, i := range res.strict.WrongStart {
		res.firsts[string(sequences[i][0])]++
	}

	writeText(stdout, &res)
	if cfg.html != "" {
		if err := writeHTMLFile(cfg.html, &res); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "\nHTML report: %s\n", cfg.html)
	}
	return nil
}

// openStore opens the store the incidents are loaded into, says where it is, and
// returns how to close it.
func openStore(ctx context.Context, cfg config) (incident.Repository, string, func(), error) {
	if cfg.store == "memory" {
		return memory.New(), "in memory", func() {}, nil
	}
	path, where, cleanup := cfg.db, "SQLite file "+cfg.db, func() {}
	if path == "" {
		dir, err := os.MkdirTemp("", "itsmkit-replay-")
		if err != nil {
			return nil, "", nil, err
		}
		path = filepath.Join(dir, "replay.db")
		where = "SQLite temporary file " + path + " (removed on exit; keep one with -db FILE)"
		cleanup = func() { os.RemoveAll(dir) }
	}
	store, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		cleanup()
		return nil, "", nil, err
	}
	return store.Incidents(), where, func() { store.Close(); cleanup() }, nil
}

// triggerFor explains a move between two states with the trigger def uses for it.
func triggerFor(def *incident.Definition) func(from, to string) string {
	return func(from, to string) string {
		t, _ := def.TriggerFor(incident.State(from), incident.State(to))
		return string(t)
	}
}

// statesOf is the case's state sequence, typed for lifecycle.Check.
func statesOf(c eventlog.Case) []incident.State {
	raw := c.States()
	out := make([]incident.State, len(raw))
	for i, s := range raw {
		out[i] = incident.State(s)
	}
	return out
}

// notLoadedBy counts the cases err says were not loaded, by reason: a case that does
// not make a valid incident, or records of a batch the store refused (the loader
// stored the rest). It returns any other error.
func (res *results) notLoadedBy(err error) error {
	var refused *incident.RefusedError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &refused):
		for _, r := range refused.Refused {
			res.notLoaded[reasonOf(r.Err)]++
		}
		return nil
	case errors.Is(err, itsm.ErrInvalid):
		res.notLoaded[reasonOf(err)]++
		return nil
	}
	return err
}

func reasonOf(err error) string {
	var ve *itsm.ValidationError
	if errors.As(err, &ve) {
		return ve.Field + ": " + ve.Problem
	}
	return err.Error()
}
