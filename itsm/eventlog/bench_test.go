package eventlog_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/itsm/eventlog"
)

// BenchmarkImportUCI imports the whole UCI log (2.4 MB gzip, 46 MB of CSV, 141,712
// rows) from memory. The baseline, run interleaved in the same loop, decompresses and
// decodes the same CSV with encoding/csv and does nothing else; x-csv is the import's
// time over the baseline's.
func BenchmarkImportUCI(b *testing.B) {
	data, err := io.ReadAll(openUCI(b))
	require.NoError(b, err)
	m := eventlog.UCIMapping()
	ctx := context.Background()
	var base, imp time.Duration
	b.ReportAllocs()
	for b.Loop() {
		start := time.Now()
		rows := decodeOnly(b, data)
		base += time.Since(start)

		start = time.Now()
		rep, err := eventlog.Import(ctx, bytes.NewReader(data), m, eventlog.Options{Tenant: "bench"},
			func(eventlog.Case) error { return nil })
		imp += time.Since(start)
		require.NoError(b, err)
		require.Equal(b, rows, rep.Rows)
	}
	b.ReportMetric(float64(imp)/float64(base), "x-csv")
	b.ReportMetric(float64(imp.Milliseconds())/float64(b.N), "ms-import")
}

// decodeOnly reads every record of a gzip CSV and returns the number of data rows.
func decodeOnly(b *testing.B, data []byte) int {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	require.NoError(b, err)
	cr := csv.NewReader(zr)
	cr.ReuseRecord = true
	rows := -1
	for {
		_, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rows
		}
		require.NoError(b, err)
		rows++
	}
}
