// Package storage holds what every storage adapter shares: the checks of the
// repository ports' write contract. The ports themselves live with their practices
// (incident.Repository, …); the adapters live in subpackages: storage/memory,
// storage/sqlstore; storage/storagetest is the conformance suite they all pass.
package storage
