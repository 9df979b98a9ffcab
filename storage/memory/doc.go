// Package memory is the in-memory storage adapter: every practice's Repository port
// over maps guarded by one mutex. It is meant for tests, examples and simulations; it
// keeps nothing after the process ends.
//
// Records go in and come out as deep copies, so a caller that changes a record it
// passed or got back changes nothing stored. Times are kept to the nanosecond and come
// back in UTC. A Store is safe for concurrent use and passes storage/storagetest, the
// same conformance suite as every other adapter.
//
//	store := memory.New()
//	svc, _ := incident.NewService(store, incident.Options{})
package memory
