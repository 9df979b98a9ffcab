// Package sqlite opens itsmkit's SQL store on an embedded SQLite database
// (modernc.org/sqlite, pure Go): the zero-setup default.
//
//	store, err := sqlite.Open(ctx, "itsm.db", sqlite.Options{})
//	if err != nil {
//		return err
//	}
//	defer store.Close()
//	svc, err := incident.NewService(store.Incidents(), incident.Options{})
//
// Open creates the file, migrates the schema and tunes the connections: WAL, a busy
// timeout, BEGIN IMMEDIATE write transactions on a single writer connection, a pool
// of read-only connections, foreign keys on, and synchronous=FULL, so that a commit
// survives a power loss, unless Options.Sync asks for NORMAL (see Sync for the
// trade-off).
package sqlite
