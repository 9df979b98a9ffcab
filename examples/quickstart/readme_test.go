package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/itsmkit/itsmkit/incident"
	"github.com/itsmkit/itsmkit/lifecycle"
)

var updateReadme = flag.Bool("update-readme", false, "rewrite README.md's diagrams from the code")

// TestReadmeDiagrams fails when a lifecycle diagram in README.md differs from what
// the code renders.
func TestReadmeDiagrams(t *testing.T) {
	const path = "../../README.md"
	readme, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	diagrams := map[string]string{
		"incident": incident.DefaultLifecycle().Mermaid(),
		"service":  lifecycle.ServiceLifecycle().Mermaid(),
	}
	updated := string(readme)
	for name, mermaid := range diagrams {
		block := regexp.MustCompile(`(?s)<!-- diagram:` + name + ` -->\n.*?<!-- /diagram -->`)
		if !block.MatchString(updated) {
			t.Fatalf("README.md has no <!-- diagram:%s --> block", name)
		}
		want := "<!-- diagram:" + name + " -->\n```mermaid\n" + mermaid + "```\n<!-- /diagram -->"
		if got := block.FindString(updated); got != want {
			if !*updateReadme {
				t.Errorf("README.md's %s diagram differs from the code; run go test ./examples/quickstart -update-readme\nwant:\n%s\ngot:\n%s", name, want, got)
			}
			updated = block.ReplaceAllLiteralString(updated, want)
		}
	}
	if *updateReadme && updated != string(readme) {
		if err := os.WriteFile(path, []byte(updated), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestQuickstartRuns(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), &out, filepath.Join(t.TempDir(), "q.db")); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Store: embedded SQLite", "Opened INC0000001", "in_progress → on_hold", "resolved → closed", "stateDiagram-v2"} {
		if !regexp.MustCompile(regexp.QuoteMeta(want)).MatchString(out.String()) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
