// Quickstart runs one incident through its whole life — open, assign, hold, resume,
// resolve, close — on the embedded SQLite store, and prints the incident's journal and
// the lifecycle diagram. It needs nothing but Go: SQLite is compiled in.
//
//	go run ./examples/quickstart            # a database in a temporary directory
//	go run ./examples/quickstart -db itsm.db  # or a file you keep
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/storage/sqlstore/sqlite"
)

func main() {
	db := flag.String("db", "", "SQLite database file to use (default: one in a temporary directory, removed on exit)")
	flag.Parse()
	if err := run(context.Background(), os.Stdout, *db); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer, path string) error {
	where := "file " + path
	if path == "" {
		dir, err := os.MkdirTemp("", "itsmkit-quickstart-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		path = filepath.Join(dir, "itsm.db")
		where = "temporary file " + path + " (removed on exit; keep one with -db FILE)"
	}
	store, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		return err
	}
	defer store.Close()
	fmt.Fprintln(out, "Store: embedded SQLite,", where)
	svc, err := incident.NewService(store.Incidents(), incident.Options{})
	if err != nil {
		return err
	}
	agent := itsm.Actor{ID: "ana", Tenant: "acme", Roles: []itsm.Role{itsm.RoleAgent}}
	return life(ctx, out, svc, agent)
}

// life runs the incident's life and prints its journal.
func life(ctx context.Context, out io.Writer, svc *incident.Service, agent itsm.Actor) error {
	inc, err := svc.Open(ctx, agent, incident.OpenInput{
		Title:   "Email is down for the finance department",
		Caller:  "bob",
		Channel: incident.ChannelPhone,
		Impact:  itsm.ImpactHigh,
		Urgency: itsm.UrgencyMedium,
	})
	if err != nil {
		return fmt.Errorf("open: %w", err)
	}
	fmt.Fprintf(out, "Opened %s %q, priority %v\n", inc.Number, inc.Title, inc.Priority)
	steps := []struct {
		what string
		do   func(*incident.Incident) (*incident.Incident, error)
	}{
		{"assign", func(i *incident.Incident) (*incident.Incident, error) {
			return svc.Assign(ctx, agent, i.Ref(), "Messaging", "ana")
		}},
		{"hold", func(i *incident.Incident) (*incident.Incident, error) {
			return svc.Hold(ctx, agent, i.Ref(), incident.AwaitingVendor)
		}},
		{"resume", func(i *incident.Incident) (*incident.Incident, error) { return svc.Resume(ctx, agent, i.Ref()) }},
		{"resolve", func(i *incident.Incident) (*incident.Incident, error) {
			return svc.Resolve(ctx, agent, i.Ref(), incident.SolvedPermanently, "Vendor replaced the mail gateway certificate")
		}},
		{"close", func(i *incident.Incident) (*incident.Incident, error) { return svc.Close(ctx, agent, i.Ref()) }},
	}
	for _, s := range steps {
		if inc, err = s.do(inc); err != nil {
			return fmt.Errorf("%s: %w", s.what, err)
		}
	}
	journal, err := svc.History(ctx, agent, inc.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "\nJournal of %s:\n", inc.Number)
	for _, e := range journal {
		fmt.Fprintf(out, "  v%d  %s  %-12s %-8s %-24s %s\n", e.Version, e.At.Format("15:04:05.000"), e.Type, e.Trigger, transition(e), e.Data)
	}
	fmt.Fprintf(out, "\nIncident lifecycle (Mermaid):\n\n%s", svc.Lifecycle().Mermaid())
	return nil
}

func transition(e itsm.Event) string {
	if e.To == "" {
		return ""
	}
	if e.From == "" {
		return "→ " + e.To
	}
	return e.From + " → " + e.To
}
