// Command postgres runs an incident's life on PostgreSQL inside a transaction of the
// host application's: the incident's writes and the host's own audit rows commit
// together, then the program prints the incident's journal.
//
//	ITSM_POSTGRES_DSN='postgres://postgres@127.0.0.1:5432/test?sslmode=disable' go run ./examples/postgres
//
// The store's tables are created (once) with the prefix example_itsm_, beside the
// host's table example_audit.
package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/storage/sqlstore/postgres"
)

func main() {
	dsn := os.Getenv("ITSM_POSTGRES_DSN")
	if dsn == "" {
		fmt.Fprintln(os.Stderr, "set ITSM_POSTGRES_DSN to a PostgreSQL URL, for example\n"+
			"  ITSM_POSTGRES_DSN='postgres://postgres@127.0.0.1:5432/test?sslmode=disable' go run ./examples/postgres")
		os.Exit(2)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := run(ctx, dsn); err != nil {
		fmt.Fprintln(os.Stderr, "example:", err)
		os.Exit(1)
	}
}

var agent = itsm.Actor{ID: "ana", Tenant: "acme", Roles: []itsm.Role{itsm.RoleAgent}}

func run(ctx context.Context, dsn string) error {
	store, err := postgres.Open(ctx, dsn, postgres.Options{TablePrefix: "example_itsm_"})
	if err != nil {
		return err
	}
	defer store.Close()
	if _, err := store.DB().ExecContext(ctx, `CREATE TABLE IF NOT EXISTS example_audit (
		id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
		incident text NOT NULL,
		note text NOT NULL,
		at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return fmt.Errorf("create the host's table: %w", err)
	}
	svc, err := incident.NewService(store.Incidents(), incident.Options{})
	if err != nil {
		return err
	}

	tx, err := store.DB().BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	inc, err := life(ctx, svc, tx)
	if err != nil {
		return errors.Join(err, tx.Rollback())
	}
	if err := tx.Commit(); err != nil {
		return err
	}

	journal, err := svc.History(ctx, agent, inc.ID)
	if err != nil {
		return err
	}
	fmt.Printf("%s %q is %s (version %d)\n\n", inc.Number, inc.Title, inc.State, inc.Version)
	fmt.Printf("%-6s %-3s %-12s %-8s %-25s %s\n", "seq", "v", "type", "trigger", "transition", "at")
	for _, e := range journal {
		move := ""
		if e.To != "" {
			move = e.From + " → " + e.To
		}
		fmt.Printf("%-6d %-3d %-12s %-8s %-25s %s\n", e.Seq, e.Version, e.Type, e.Trigger, move, e.At.Format(time.RFC3339Nano))
	}
	var audited int
	if err := store.DB().QueryRowContext(ctx, "SELECT count(*) FROM example_audit WHERE incident = $1", inc.Number).Scan(&audited); err != nil {
		return err
	}
	fmt.Printf("\nthe host's audit table holds %d rows for %s, committed with it\n", audited, inc.Number)
	return nil
}

// life opens an incident and takes it to closed in the host's transaction tx, writing
// a host audit row after each step.
func life(ctx context.Context, svc *incident.Service, tx *sql.Tx) (*incident.Incident, error) {
	in, err := svc.Tx(tx) // the service's writes join tx
	if err != nil {
		return nil, err
	}
	audit := func(inc *incident.Incident, note string) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO example_audit (incident, note) VALUES ($1, $2)", inc.Number, note)
		return err
	}
	inc, err := in.Open(ctx, agent, incident.OpenInput{
		Title: "VPN drops every ten minutes", Caller: "sam",
		Impact: itsm.ImpactMedium, Urgency: itsm.UrgencyHigh, Service: "vpn",
	})
	if err != nil {
		return nil, err
	}
	steps := []struct {
		note string
		do   func(incident.Ref) (*incident.Incident, error)
	}{
		{"assigned to Network", func(r incident.Ref) (*incident.Incident, error) {
			return in.Assign(ctx, agent, r, "Network", "ana")
		}},
		{"waiting for the vendor", func(r incident.Ref) (*incident.Incident, error) {
			return in.Hold(ctx, agent, r, incident.AwaitingVendor)
		}},
		{"vendor answered", func(r incident.Ref) (*incident.Incident, error) { return in.Resume(ctx, agent, r) }},
		{"resolved", func(r incident.Ref) (*incident.Incident, error) {
			return in.Resolve(ctx, agent, r, incident.SolvedPermanently, "Firmware 4.2 on the concentrator.")
		}},
		{"closed", func(r incident.Ref) (*incident.Incident, error) { return in.Close(ctx, agent, r) }},
	}
	if err := audit(inc, "opened"); err != nil {
		return nil, err
	}
	for _, s := range steps {
		if inc, err = s.do(inc.Ref()); err != nil {
			return nil, fmt.Errorf("%s: %w", s.note, err)
		}
		if err := audit(inc, s.note); err != nil {
			return nil, err
		}
	}
	return inc, nil
}
