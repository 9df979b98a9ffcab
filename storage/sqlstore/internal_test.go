package sqlstore

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/itsm"
	"github.com/itsmkit/itsmkit/itsm/csi"
)

func TestValidatePrefix(t *testing.T) {
	t.Parallel()
	every := []Dialect{SQLite, PostgreSQL, MySQL}
	tests := []struct {
		prefix string
		ok     []Dialect // the dialects that accept it
	}{
		{"", every},
		{"itsm_", every},
		{"_x", every},
		{"a1_", every},
		{strings.Repeat("a", MaxTablePrefixLength), every},
		{"sqlite", every},
		{"sqlitex_", every},
		{"pg_", every},
		{"sqlite_", []Dialect{PostgreSQL, MySQL}}, // SQLite reserves sqlite_*
		{"sqlite_itsm_", []Dialect{PostgreSQL, MySQL}},
		{strings.Repeat("a", MaxTablePrefixLength+1), nil},
		{"1abc", nil},
		{"Itsm_", nil},
		{"itsm-", nil},
		{"itsm.", nil},
		{"it sm", nil},
		{"x;drop table y;", nil},
		{"é", nil},
	}
	for _, tt := range tests {
		for _, name := range every {
			d, err := name.dialect()
			require.NoError(t, err)
			err = validatePrefix(d, tt.prefix)
			if slices.Contains(tt.ok, name) {
				assert.NoError(t, err, "%s prefix %q", name, tt.prefix)
			} else {
				assert.ErrorIs(t, err, itsm.ErrInvalid, "%s prefix %q", name, tt.prefix)
			}
		}
	}
}

// TestNamesFitEveryDialect checks that the longest prefix keeps every table and index
// name within PostgreSQL's 63 bytes (MySQL allows 64).
func TestNamesFitEveryDialect(t *testing.T) {
	t.Parallel()
	prefix := strings.Repeat("p", MaxTablePrefixLength)
	for _, d := range []Dialect{SQLite, PostgreSQL, MySQL} {
		ms, err := MigrationSQL(d, prefix)
		require.NoError(t, err)
		for _, m := range ms {
			for _, word := range strings.FieldsFunc(m.SQL, func(r rune) bool {
				return !(r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
			}) {
				if strings.HasPrefix(word, prefix) {
					assert.LessOrEqual(t, len(word), 63, "%s: %s", d, word)
				}
			}
		}
	}
}

func TestNewRefusesBadOptions(t *testing.T) {
	t.Parallel()
	_, err := New(nil, Options{Dialect: SQLite})
	assert.ErrorIs(t, err, itsm.ErrInvalid)
	_, err = MigrationSQL("oracle", "")
	assert.ErrorIs(t, err, itsm.ErrInvalid)
	_, err = MigrationSQL(SQLite, "Bad")
	assert.ErrorIs(t, err, itsm.ErrInvalid)
}

func TestStatements(t *testing.T) {
	t.Parallel()
	m := Migration{SQL: "-- a comment; with a semicolon\nCREATE TABLE a (\n    x int -- trailing\n);\n\n-- another\nCREATE INDEX i ON a (x);\nINSERT INTO v VALUES (1)"}
	assert.Equal(t, []string{
		"CREATE TABLE a (\n    x int -- trailing\n)",
		"CREATE INDEX i ON a (x)",
		"INSERT INTO v VALUES (1)",
	}, m.Statements())
}

func TestMigrationsAreComplete(t *testing.T) {
	t.Parallel()
	var versions []int
	for _, d := range []Dialect{SQLite, PostgreSQL, MySQL} {
		ms, err := MigrationSQL(d, "x_")
		require.NoError(t, err)
		require.NotEmpty(t, ms)
		if versions == nil {
			for _, m := range ms {
				versions = append(versions, m.Version)
			}
		}
		for i, m := range ms {
			assert.Equal(t, versions[i], m.Version, "%s: migrations must have the same versions in every dialect", d)
			assert.NotContains(t, m.SQL, "{p}")
			stmts := m.Statements()
			require.NotEmpty(t, stmts)
			assert.Contains(t, stmts[len(stmts)-1], fmt.Sprintf("INSERT INTO x_schema_migrations (version, name) VALUES (%d, ", m.Version),
				"%s: the last statement records the version", d)
		}
		assert.Contains(t, ms[0].Statements()[0], "CREATE TABLE IF NOT EXISTS x_schema_migrations")
	}
}

func TestRebind(t *testing.T) {
	t.Parallel()
	pg, _ := PostgreSQL.dialect()
	lite, _ := SQLite.dialect()
	q := "SELECT a FROM {p}t WHERE a = ? AND b IN (?, ?)"
	assert.Equal(t, "SELECT a FROM x_t WHERE a = $1 AND b IN ($2, $3)", pg.rebind(q, "x_"))
	assert.Equal(t, "SELECT a FROM x_t WHERE a = ? AND b IN (?, ?)", lite.rebind(q, "x_"))
}

// Driver errors by shape, as the real drivers define them.
type (
	pgError       struct{ code string }      // pgx's *pgconn.PgError
	moderncError  struct{ code int }         // modernc.org/sqlite's *sqlite.Error
	ncrucesCode   uint16                     // ncruces' ExtendedErrorCode
	ncrucesError  struct{ code ncrucesCode } // ncruces' *sqlite3.Error
	mysqlError    struct{ Number uint16 }    // go-sql-driver's *mysql.MySQLError
	mattnError    struct{ Code, ExtendedCode int }
	unrelatedCode struct{ Code string }
)

func (e *pgError) Error() string                  { return "pg " + e.code }
func (e *pgError) SQLState() string               { return e.code }
func (e *moderncError) Error() string             { return "modernc" }
func (e *moderncError) Code() int                 { return e.code }
func (e *ncrucesError) Error() string             { return "ncruces" }
func (e *ncrucesError) Code() uint8               { return uint8(e.code) }
func (e *ncrucesError) ExtendedCode() ncrucesCode { return e.code }
func (e *mysqlError) Error() string               { return "mysql" }
func (e mattnError) Error() string                { return "mattn" }
func (e unrelatedCode) Error() string             { return "unrelated" }

func TestMapError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		dialect Dialect
		err     error
		want    error // nil: returned unchanged
	}{
		{PostgreSQL, &pgError{"23505"}, itsm.ErrAlreadyExists},
		{PostgreSQL, &pgError{"40001"}, itsm.ErrConflict},
		{PostgreSQL, &pgError{"40P01"}, itsm.ErrConflict},
		{PostgreSQL, &pgError{"23503"}, nil},
		{SQLite, &moderncError{2067}, itsm.ErrAlreadyExists},
		{SQLite, &moderncError{1555}, itsm.ErrAlreadyExists},
		{SQLite, &moderncError{5}, itsm.ErrConflict},
		{SQLite, &moderncError{5 | 3<<8}, itsm.ErrConflict}, // SQLITE_BUSY_TIMEOUT
		{SQLite, &moderncError{6}, itsm.ErrConflict},
		{SQLite, &moderncError{1299}, nil}, // NOT NULL
		{SQLite, &ncrucesError{2067}, itsm.ErrAlreadyExists},
		{SQLite, &ncrucesError{517}, itsm.ErrConflict}, // SQLITE_BUSY_SNAPSHOT
		{SQLite, mattnError{Code: 19, ExtendedCode: 2067}, itsm.ErrAlreadyExists},
		{MySQL, &mysqlError{1062}, itsm.ErrAlreadyExists},
		{MySQL, &mysqlError{1213}, itsm.ErrConflict},
		{MySQL, &mysqlError{1205}, itsm.ErrConflict},
		{MySQL, &mysqlError{1146}, nil},
		{MySQL, unrelatedCode{"1062"}, nil},
		{SQLite, errors.New("plain"), nil},
	}
	for _, tt := range tests {
		d, err := tt.dialect.dialect()
		require.NoError(t, err)
		wrapped := fmt.Errorf("driver: %w", tt.err)
		got := d.mapError(wrapped)
		if tt.want == nil {
			assert.Same(t, wrapped, got, "%s %v", tt.dialect, tt.err)
			continue
		}
		assert.ErrorIs(t, got, tt.want, "%s %v", tt.dialect, tt.err)
		assert.ErrorIs(t, got, tt.err, "the driver's error stays reachable")
		assert.Equal(t, tt.want == itsm.ErrConflict, itsm.IsRetryable(got), "%s %v", tt.dialect, tt.err)
		for _, other := range []error{itsm.ErrNotFound, itsm.ErrAlreadyExists, itsm.ErrConflict, itsm.ErrInvalid} {
			if other != tt.want {
				assert.NotErrorIs(t, got, other)
			}
		}
	}
	assert.NoError(t, (&dialect{}).mapError(nil))
}

// TestConflictInHostTransaction: in a host's transaction, the conflicts that end or
// spoil the transaction say so (RetryTx) and are not retryable for the call; the
// others, and every conflict of the store's own transactions, are.
func TestConflictInHostTransaction(t *testing.T) {
	t.Parallel()
	tests := []struct {
		dialect Dialect
		err     error
		retryTx bool // in a host's transaction
	}{
		{PostgreSQL, &pgError{"40001"}, true},
		{PostgreSQL, &pgError{"40P01"}, true},
		{PostgreSQL, &pgError{"55P03"}, true},
		{MySQL, &mysqlError{1213}, true},
		{MySQL, &mysqlError{1205}, false}, // unless the savepoint is gone: see inTx
		{MySQL, &mysqlError{3572}, false},
		{SQLite, &moderncError{517}, true}, // SQLITE_BUSY_SNAPSHOT
		{SQLite, &ncrucesError{517}, true},
		{SQLite, &moderncError{5}, false},
		{SQLite, &moderncError{6}, false},
	}
	for _, tt := range tests {
		for _, hostTx := range []bool{false, true} {
			d, err := tt.dialect.dialect()
			require.NoError(t, err)
			d.hostTx = hostTx
			got := d.mapError(fmt.Errorf("driver: %w", tt.err))
			want := hostTx && tt.retryTx
			var conflict *ConflictError
			require.ErrorAs(t, got, &conflict)
			assert.ErrorIs(t, got, itsm.ErrConflict)
			assert.Equal(t, want, conflict.RetryTx, "%s %v, host transaction %v", tt.dialect, tt.err, hostTx)
			assert.Equal(t, !want, itsm.IsRetryable(got), "%s %v, host transaction %v", tt.dialect, tt.err, hostTx)
			assert.Equal(t, want, strings.Contains(got.Error(), "roll it back and run it again"), got.Error())
		}
	}
}

func TestErrSchemaOutdatedMatchesNoSentinel(t *testing.T) {
	t.Parallel()
	for _, s := range []error{itsm.ErrNotFound, itsm.ErrAlreadyExists, itsm.ErrConflict, itsm.ErrTransitionNotAllowed, itsm.ErrForbidden, itsm.ErrInvalid} {
		assert.NotErrorIs(t, ErrSchemaOutdated, s)
	}
}

func TestScanners(t *testing.T) {
	t.Parallel()
	id := itsm.NewID()
	for _, src := range []any{id[:], id.String(), []byte(id.String()), [16]byte(id)} {
		var got itsm.ID
		require.NoError(t, idColumn{&got}.Scan(src), "%T", src)
		assert.Equal(t, id, got)
	}
	var got itsm.ID
	require.NoError(t, idColumn{&got}.Scan(nil))
	assert.True(t, got.IsZero())
	assert.Error(t, idColumn{&got}.Scan("nope"))
	assert.Error(t, idColumn{&got}.Scan(42))

	want := time.Date(2026, 3, 1, 9, 30, 15, 123456000, time.UTC)
	for _, src := range []any{
		want.Format(sqliteTimeLayout),
		[]byte("2026-03-01 09:30:15.123456"),
		"2026-03-01T09:30:15.123456Z",
		"2026-03-01T10:30:15.123456+01:00",
		want.In(time.FixedZone("X", 3600)),
	} {
		var tm time.Time
		require.NoError(t, timeColumn{&tm}.Scan(src), "%v", src)
		assert.True(t, want.Equal(tm), "%v: got %v", src, tm)
		assert.Equal(t, time.UTC, tm.Location())
	}
	var tm time.Time
	require.NoError(t, timeColumn{&tm}.Scan(nil))
	assert.True(t, tm.IsZero())
	assert.Error(t, timeColumn{&tm}.Scan("yesterday"))
}

// TestRowNamesEveryField checks that the columns and the JSON body together hold
// every field of each record exactly once, so a field added to a record is not
// silently dropped by the adapter.
func TestRowNamesEveryField(t *testing.T) {
	t.Parallel()
	tests := []struct {
		columns      []string
		body, record reflect.Type
	}{
		{incidentKind().columns, reflect.TypeFor[incidentBody](), reflect.TypeFor[incident.Incident]()},
		{improvementKind().columns, reflect.TypeFor[improvementBody](), reflect.TypeFor[csi.Item]()},
	}
	for _, tt := range tests {
		require.Equal(t, "data", tt.columns[len(tt.columns)-1])
		require.Equal(t, []string{"tenant", "id", "number", "version"}, tt.columns[:4])
		stored := slices.Clone(tt.columns[:len(tt.columns)-1]) // the columns are named as the JSON fields
		for _, f := range reflect.VisibleFields(tt.body) {
			stored = append(stored, jsonName(f))
		}
		var fields []string
		for _, f := range reflect.VisibleFields(tt.record) {
			if !f.Anonymous {
				fields = append(fields, jsonName(f))
			}
		}
		slices.Sort(stored)
		slices.Sort(fields)
		assert.Equal(t, fields, stored, tt.record.Name())
		for _, f := range reflect.VisibleFields(tt.body) {
			g, ok := tt.record.FieldByName(f.Name)
			require.True(t, ok, f.Name)
			assert.Equal(t, g.Tag.Get("json"), f.Tag.Get("json"), "%s.%s keeps the record's tag", tt.record.Name(), f.Name)
			assert.Equal(t, g.Type, f.Type, f.Name)
		}
	}
}

func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	return name
}

// TestBodyKeepsJSONNames checks the keys of an empty incident body.
func TestBodyKeepsJSONNames(t *testing.T) {
	t.Parallel()
	b, err := appendBody(nil, &incident.Incident{})
	require.NoError(t, err)
	assert.JSONEq(t, `{"title":"","opened_by":"","impact":"","urgency":"","reopen_count":0,"reassignment_count":0}`, string(b))
}

// TestCheckEventsNamesTheEntry: a journal entry a column cannot hold is refused as
// invalid, naming the entry's index and field.
func TestCheckEventsNamesTheEntry(t *testing.T) {
	t.Parallel()
	d, err := SQLite.dialect()
	require.NoError(t, err)
	tests := []struct {
		field string
		spoil func(*itsm.Event)
	}{
		{"events[1].at", func(e *itsm.Event) { e.At = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }},
		{"events[1].type", func(e *itsm.Event) { e.Type = "bad\xff" }},
		{"events[1].actor", func(e *itsm.Event) { e.Actor = "a\x00b" }},
		{"events[1].from", func(e *itsm.Event) { e.From = "\xc3" }},
		{"events[1].to", func(e *itsm.Event) { e.To = "\x00" }},
		{"events[1].trigger", func(e *itsm.Event) { e.Trigger = "\xff" }},
		{"events[1].reason", func(e *itsm.Event) { e.Reason = "\x00" }},
		{"events[1].data", func(e *itsm.Event) { e.Data = []byte(`{"a":`) }},
	}
	good := itsm.Event{Type: itsm.EventUpdated, Actor: "ana", At: time.Now(), Data: []byte(`{"a":1}`)}
	require.NoError(t, d.checkEvents([]itsm.Event{good, good}))
	for _, tt := range tests {
		bad := good
		tt.spoil(&bad)
		err := d.checkEvents([]itsm.Event{good, bad, good})
		require.ErrorIs(t, err, itsm.ErrInvalid, tt.field)
		var ve *itsm.ValidationError
		require.ErrorAs(t, err, &ve, tt.field)
		assert.Equal(t, tt.field, ve.Field)
	}
}
