package contracttest

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/b2bkit/stytchorgs/client"
)

// reportInfo is what the report says about the run besides its rules.
type reportInfo struct {
	where    string
	started  time.Time
	took     time.Duration
	run      string
	requests int64    // sent to the target, the final sweep's included
	problems []string // of the run as a whole
}

// renderReport writes the run's report in Markdown that reads well in a terminal too: a table
// per area, its columns padded to line up, with each rule's result and, one per line, what the
// target answered where the rule records answers (every choice and error type does); then the
// details of each failure, for a report.
func renderReport(info reportInfo, recs []*record) string {
	var b strings.Builder
	fmt.Fprintf(&b, "## Contract suite against %s\n\n", info.where)
	fmt.Fprintf(&b, "Run %s, %s, %s, %d requests; client %s.\n", info.run, info.started.UTC().Format("2006-01-02 15:04 MST"),
		info.took.Round(100*time.Millisecond), info.requests, client.Version)
	fmt.Fprintf(&b, "%d rules: %d pass, %d fail, %d not run.\n\n", len(recs), countOutcome(recs, passed), countOutcome(recs, failed), countOutcome(recs, notRun))
	b.WriteString("A rule marked with a choice checks an answer openapi.yaml chooses where Stytch's documentation is\n" +
		"silent or differs; the last column shows what the target answered, and where that differs, what the\n" +
		"spec says. \"Not run\" rules need state this API cannot create (sign-in, Stytch's dashboard and other\n" +
		"APIs do), which only the in-process mock's fixtures can make.\n")

	for _, area := range areaOrder {
		rows := [][]string{{"Rule", "Result", "Target answered"}}
		for _, r := range recs {
			if r.area != area {
				continue
			}
			name := r.name
			if r.choice != "" {
				name += " (choice «" + r.choice + "»)"
			}
			result := r.outcome.String()
			if r.outcome == notRun {
				result += ": " + r.reason
			}
			answers := answers(r)
			rows = append(rows, []string{name, result, answers[0]})
			for _, a := range answers[1:] {
				rows = append(rows, []string{"", "", a})
			}
		}
		if len(rows) > 1 {
			fmt.Fprintf(&b, "\n### %s\n\n", area)
			writeTable(&b, rows)
		}
	}

	var fails []*record
	for _, area := range areaOrder {
		for _, r := range recs {
			if r.outcome == failed && r.area == area {
				fails = append(fails, r)
			}
		}
	}
	if len(fails) > 0 {
		b.WriteString("\n### Failures\n\n")
		for _, r := range fails {
			fmt.Fprintf(&b, "- **%s** (`go test -run '%s'`): %s. %s\n", r.name, runPattern(r.test), oneLine(r.says, 300), oneLine(r.failure, 400))
			if at := r.at.String(); at != "" {
				fmt.Fprintf(&b, "  - request: %s\n", at)
			}
		}
	}
	if len(info.problems) > 0 {
		b.WriteString("\n### Problems of the run\n\n")
		for _, p := range info.problems {
			fmt.Fprintf(&b, "- %s\n", oneLine(p, 600))
		}
	}
	b.WriteString("\n### Error types the suite does not check\n\n")
	for _, n := range notChecked() {
		fmt.Fprintf(&b, "- `%s`: %s\n", n.errorType, n.why)
	}
	return b.String()
}

// answers lists what a rule recorded, at least one entry (empty): the target's answers, and
// where one differs, what the spec says.
func answers(r *record) []string {
	if len(r.got) == 0 {
		return []string{""}
	}
	parts := make([]string, len(r.got))
	for i, got := range r.got {
		parts[i] = got
		if got != r.want[i] {
			parts[i] += " (spec: " + r.want[i] + ")"
		}
	}
	return parts
}

// runPattern turns a test name into a -run pattern that selects it alone.
func runPattern(test string) string {
	parts := strings.Split(test, "/")
	for i, p := range parts {
		parts[i] = "^" + regexpQuote(p) + "$"
	}
	return strings.Join(parts, "/")
}

func regexpQuote(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`\.+*?()|[]{}^$`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// oneLine is s on one line, cut to at most n characters.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > n {
		s = string([]rune(s)[:n]) + "…"
	}
	return s
}

// writeTable writes rows (the first is the header) as a Markdown table with padded columns.
func writeTable(b *strings.Builder, rows [][]string) {
	widths := make([]int, len(rows[0]))
	for _, row := range rows {
		for i, cell := range row {
			row[i] = strings.ReplaceAll(oneLine(cell, 300), "|", `\|`)
			widths[i] = max(widths[i], utf8.RuneCountInString(row[i]))
		}
	}
	line := func(cells []string) {
		b.WriteString("|")
		for i, cell := range cells {
			fmt.Fprintf(b, " %s%s |", cell, strings.Repeat(" ", widths[i]-utf8.RuneCountInString(cell)))
		}
		b.WriteString("\n")
	}
	line(rows[0])
	rule := make([]string, len(widths))
	for i, w := range widths {
		rule[i] = strings.Repeat("-", w)
	}
	line(rule)
	for _, row := range rows[1:] {
		line(row)
	}
}

// The report is what a user pastes into an issue: each area's table must stay a valid Markdown
// table whatever the cells hold, and the report must show what differed.
func TestReportRendersValidTables(t *testing.T) {
	recs := []*record{
		{rule: rule{area: areaUnique, name: "slugs | unique", says: "slugs are unique"}, test: "TestSlug", outcome: passed},
		{rule: rule{area: areaSeed, name: "the seed", says: "the seed example holds", choice: "Defaults on create"}, test: "TestSeed/sub.x",
			outcome: failed, want: []string{"ALL_ALLOWED", "200"}, got: []string{"NOT_ALLOWED", "200"},
			failure: "email_invites\ndiffers", at: exchange{Method: "POST", Path: "/v1/b2b/organizations", Status: 200, RequestID: "request-id-test-1"}},
		{rule: rule{area: areaUnique, name: "sessions", says: "sessions work"}, test: "TestSession", outcome: notRun, reason: "needs the mock's fixtures (member sessions)"},
	}
	out := renderReport(reportInfo{where: "somewhere", run: "abcd"}, recs)
	var tables [][]string
	inTable := false
	for line := range strings.Lines(out) {
		line = strings.TrimSuffix(line, "\n")
		switch {
		case strings.HasPrefix(line, "|") && !inTable:
			tables = append(tables, []string{line})
			inTable = true
		case strings.HasPrefix(line, "|"):
			tables[len(tables)-1] = append(tables[len(tables)-1], line)
		default:
			inTable = false
		}
	}
	if len(tables) != 2 {
		t.Fatalf("%d tables, want one per area with rules (2):\n%s", len(tables), out)
	}
	for _, table := range tables {
		for _, line := range table {
			if utf8.RuneCountInString(line) != utf8.RuneCountInString(table[0]) {
				t.Errorf("line %q is not as wide as its header %q", line, table[0])
			}
			if n := strings.Count(line, "|") - strings.Count(line, `\|`); n != 4 {
				t.Errorf("line %q has %d column separators, want 4", line, n)
			}
		}
	}
	if len(tables[0]) != 4 || !strings.HasPrefix(tables[0][2], "| the seed (choice «Defaults on create») | FAIL ") {
		t.Errorf("the first table is not the seed's, with a row per answer: %q", tables[0])
	}
	for _, want := range []string{
		"### Seed example",
		"NOT_ALLOWED (spec: ALL_ALLOWED)",
		"not run: needs the mock's fixtures (member sessions)",
		"3 rules: 1 pass, 1 fail, 1 not run",
		"`go test -run '^TestSeed$/^sub\\.x$'`): the seed example holds. email_invites differs",
		"request: POST /v1/b2b/organizations → 200 (request_id request-id-test-1)",
		"slugs \\| unique",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the report lacks %q:\n%s", want, out)
		}
	}
	if strings.Index(out, "### Seed example") > strings.Index(out, "### Uniqueness") {
		t.Errorf("areas out of order:\n%s", out)
	}
}
