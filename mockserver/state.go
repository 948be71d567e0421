package mockserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
)

// Fixture files: one fixture, or several in a JSON array. A saved state (WithStateFile,
// stytchmock -state) and a recording (WithRecordFile, stytchmock -record) are such arrays, one
// fixture per project, ordered by project id, so that one file keeps every project and
// -fixture loads it as it is.

// ParseFixtures decodes a fixture file: one fixture (a JSON object) or several (an array of
// them). Unknown fields and anything after the value are errors, to catch typos.
func ParseFixtures(b []byte) ([]Fixture, error) {
	trimmed := bytes.TrimLeft(b, " \t\r\n")
	if len(trimmed) == 0 {
		return nil, errors.New("mockserver: fixture: the file is empty; want a fixture (an object) or an array of fixtures")
	}
	if trimmed[0] != '[' {
		f, err := ParseFixture(b)
		if err != nil {
			return nil, err
		}
		return []Fixture{f}, nil
	}
	var fs []Fixture
	if err := decodeStrict(b, &fs); err != nil {
		return nil, fmt.Errorf("mockserver: fixture: %w", jsonErrorAt(b, err))
	}
	return fs, nil
}

// LoadFixtures reads a fixture file (see ParseFixtures).
func LoadFixtures(path string) ([]Fixture, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("mockserver: read fixture: %w", err)
	}
	fs, err := ParseFixtures(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return fs, nil
}

// WriteFixtures writes fixtures to path as a JSON array that LoadFixtures reads back. The write
// is atomic: the array goes to a new file beside path, which is synced and then renamed over
// path, so that a crash leaves the old file or the new one, never part of either. The file is
// readable by its owner only: a saved state may hold member sessions and provider tokens.
func WriteFixtures(path string, fixtures []Fixture) error {
	if fixtures == nil {
		fixtures = []Fixture{}
	}
	b, err := marshalFixtures(fixtures)
	if err != nil {
		return fmt.Errorf("mockserver: encode fixtures: %w", err)
	}
	if err := writeFileAtomic(path, b, 0o600); err != nil {
		return fmt.Errorf("mockserver: write %s: %w", path, err)
	}
	return nil
}

func writeFileAtomic(path string, data []byte, perm fs.FileMode) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Chmod(perm); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	// The rename is durable once the directory is synced; some systems cannot sync a
	// directory, and the file is whole either way.
	if d, derr := os.Open(dir); derr == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

// checkWritable fails unless a file can be created in dir: a state that cannot be saved should
// be known at start, not lost at shutdown.
func checkWritable(dir string) error {
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, ".stytchmock-write-check-*")
	if err != nil {
		return err
	}
	_ = tmp.Close()
	return os.Remove(tmp.Name())
}

// jsonErrorAt adds the line and column of a JSON syntax or type error in b to err.
func jsonErrorAt(b []byte, err error) error {
	var offset int64 = -1
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		offset = syntax.Offset
	case errors.As(err, &typ):
		offset = typ.Offset
	}
	if offset < 0 || offset > int64(len(b)) {
		return err
	}
	line := 1 + bytes.Count(b[:offset], []byte("\n"))
	col := int(offset) - bytes.LastIndexByte(b[:offset], '\n')
	return fmt.Errorf("line %d, column %d: %w", line, col, err)
}

// WithStateFile keeps the mock's state in a file across runs: NewMock seeds every project the
// file holds (fixtures given with WithFixture or WithFixtureFile are then not seeded: they were
// part of the state when it was saved), and SaveState writes every project's state back (see
// State; stytchmock -state does at shutdown). A file that does not exist yet is an empty state,
// but its directory must be writable. A file that cannot be read or seeded is an error of
// NewMock that names the file and the problem; the file is left as it is.
func WithStateFile(path string) Option {
	return func(c *config) error {
		if path == "" {
			return errors.New("mockserver: WithStateFile needs a path")
		}
		c.stateFile = path
		c.mockOnly = append(c.mockOnly, "WithStateFile")
		return nil
	}
}

// loadState seeds the state file, if there is one yet, and reports whether it did.
func (m *Mock) loadState(path string) (bool, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if err := checkWritable(filepath.Dir(path)); err != nil {
			return false, fmt.Errorf("mockserver: state file %s does not exist yet, and could not be written at shutdown: %w", path, err)
		}
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("mockserver: state file %s: %w", path, err)
	}
	damaged := func(err error) error {
		return fmt.Errorf("mockserver: state file %s is refused, and left as it is: %w (fix it, or move it away to start with an empty state)", path, err)
	}
	fixtures, err := ParseFixtures(b)
	if err != nil {
		return false, damaged(err)
	}
	seen := map[string]bool{}
	for i, f := range fixtures {
		if seen[f.ProjectID] {
			return false, damaged(fmt.Errorf("project %s is in it twice (the second time at index %d)", f.ProjectID, i))
		}
		seen[f.ProjectID] = true
		if err := m.Seed(f); err != nil {
			return false, damaged(err)
		}
	}
	return true, nil
}

// SaveState writes every project's state to the file given with WithStateFile (see
// WriteFixtures: atomically, readable by its owner only).
func (m *Mock) SaveState() error {
	if m.stateFile == "" {
		return errors.New("mockserver: SaveState: the mock has no state file (WithStateFile)")
	}
	states, err := m.States()
	if err != nil {
		return err
	}
	return WriteFixtures(m.stateFile, states)
}

// serveState answers GET /__stytchmock/state: one project's state, or every project's.
func serveState(c *adminCall) {
	project, valid := c.query(false)
	if !valid {
		return
	}
	var v any
	var err error
	if project == "" {
		v, err = c.m.States()
	} else {
		v, err = c.m.State(project)
	}
	if err != nil {
		c.fail(http.StatusInternalServerError, "internal_server_error", "The state could not be exported: %v", err)
		return
	}
	c.json(v)
}
