// skkd — SPDX-License-Identifier: ISC
//
// gocheck: an independent check of a published skkd log, written against
// golang.org/x/mod (sumdb/note and sumdb/tlog) rather than skkd's C code,
// so the tests can compare the two readings of the same files.
//
// Usage: gocheck VKEY DIR|URL
//        gocheck inclusion VKEY ANSWER.json
//        gocheck consistency VKEY OLD-CHECKPOINT NEW-CHECKPOINT PROOF.json
//
// It opens the checkpoint with note.Open and the verifier key, reads the
// hash tiles through tlog.TileHashReader (which proves each tile against
// the signed root), recomputes the tree hash with tlog.TreeHash, reads
// every entry bundle and checks each entry's tlog.RecordHash against the
// level-0 tiles. It prints "size N" and "root BASE64", or fails with
// "gocheck: ..." and exit status 1.
//
// inclusion reads a JSON verdict answer's "log" object and checks its
// proof with tlog.CheckRecord against the signed checkpoint it carries;
// consistency checks the answer of /api/v1/log/consistency between two
// signed checkpoints with tlog.CheckTree. Each prints "ok ..." or fails.
//
// x/mod names tiles tile/H/L/N and tile/H/data/N; c2sp.org/tlog-tiles,
// which skkd serves, drops the height (always 8) and says "entries".
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

const height = 8
const width = 1 << height

var base string

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "gocheck: "+format+"\n", args...)
	os.Exit(1)
}

func get(path string) ([]byte, error) {
	if !strings.HasPrefix(base, "http://") && !strings.HasPrefix(base, "https://") {
		return os.ReadFile(strings.TrimPrefix(base, "file://") + "/" + path)
	}
	resp, err := http.Get(strings.TrimSuffix(base, "/") + "/" + path)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return nil, fmt.Errorf("%s: HTTP %d", path, resp.StatusCode)
	}
	return io.ReadAll(io.LimitReader(resp.Body, 64<<20))
}

// tilePath is the c2sp.org/tlog-tiles path of t; level -1 is entries.
func tilePath(level int, n int64, w int) string {
	s := fmt.Sprintf("%03d", n%1000)
	for n >= 1000 {
		n /= 1000
		s = fmt.Sprintf("x%03d/%s", n%1000, s)
	}
	l := strconv.Itoa(level)
	if level == -1 {
		l = "entries"
	}
	if w != width {
		s += fmt.Sprintf(".p/%d", w)
	}
	return "tile/" + l + "/" + s
}

type tileReader struct{}

func (tileReader) Height() int { return height }

func (tileReader) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		data, err := get(tilePath(t.L, t.N, t.W))
		if err != nil {
			return nil, err
		}
		if len(data) != t.W*tlog.HashSize {
			return nil, fmt.Errorf("%s: %d bytes", tilePath(t.L, t.N, t.W), len(data))
		}
		out[i] = data
	}
	return out, nil
}

func (tileReader) SaveTiles([]tlog.Tile, [][]byte) {}

// checkpoint opens the signed note and parses its first three lines.
func checkpoint(vkey string) (int64, tlog.Hash) {
	msg, err := get("checkpoint")
	if err != nil {
		fail("checkpoint: %v", err)
	}
	return openCheckpoint(vkey, msg)
}

// openCheckpoint checks msg's signature by vkey (other signers, such as
// witnesses, are ignored) and returns its tree.
func openCheckpoint(vkey string, msg []byte) (int64, tlog.Hash) {
	v, err := note.NewVerifier(vkey)
	if err != nil {
		fail("verifier key: %v", err)
	}
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		fail("checkpoint: %v", err)
	}
	lines := strings.SplitN(n.Text, "\n", 4)
	if len(lines) < 4 || lines[0] != v.Name() {
		fail("checkpoint: origin is not %q", v.Name())
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 || strconv.FormatInt(size, 10) != lines[1] {
		fail("checkpoint: line 2: bad size %q", lines[1])
	}
	raw, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(raw) != tlog.HashSize {
		fail("checkpoint: line 3: bad root %q", lines[2])
	}
	var root tlog.Hash
	copy(root[:], raw)
	return size, root
}

// entries checks every entry's record hash against the proven tiles.
func entries(size int64, r tlog.HashReader) {
	for n := int64(0); n*width < size; n++ {
		w := width
		if size-n*width < width {
			w = int(size - n*width)
		}
		path := tilePath(-1, n, w)
		data, err := get(path)
		if err != nil {
			fail("%v", err)
		}
		idx := make([]int64, w)
		for i := range idx {
			idx[i] = tlog.StoredHashIndex(0, n*width+int64(i))
		}
		want, err := r.ReadHashes(idx)
		if err != nil {
			fail("level 0 hashes of %s: %v", path, err)
		}
		for i := 0; i < w; i++ {
			if len(data) < 2 {
				fail("%s: entry %d: truncated", path, i)
			}
			l := int(binary.BigEndian.Uint16(data))
			if len(data) < 2+l {
				fail("%s: entry %d: truncated", path, i)
			}
			if tlog.RecordHash(data[2:2+l]) != want[i] {
				fail("%s: entry %d: record hash not in the tree", path, i)
			}
			data = data[2+l:]
		}
		if len(data) != 0 {
			fail("%s: %d bytes after the last entry", path, len(data))
		}
	}
}

func hashes(b64 []string) []tlog.Hash {
	out := make([]tlog.Hash, len(b64))
	for i, s := range b64 {
		raw, err := base64.StdEncoding.DecodeString(s)
		if err != nil || len(raw) != tlog.HashSize {
			fail("proof hash %d: not a base64 SHA-256 hash", i)
		}
		copy(out[i][:], raw)
	}
	return out
}

func readJSON(path string, v interface{}) {
	data, err := os.ReadFile(path)
	if err != nil {
		fail("%v", err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		fail("%s: %v", path, err)
	}
}

func inclusion(vkey, path string) {
	var a struct {
		Log *struct {
			Index      int64    `json:"index"`
			TreeSize   int64    `json:"tree_size"`
			Entry      string   `json:"entry"`
			Proof      []string `json:"proof"`
			Checkpoint string   `json:"checkpoint"`
		} `json:"log"`
	}
	readJSON(path, &a)
	if a.Log == nil {
		fail("%s: no log object", path)
	}
	size, root := openCheckpoint(vkey, []byte(a.Log.Checkpoint))
	if size != a.Log.TreeSize {
		fail("tree_size %d is not the checkpoint's %d", a.Log.TreeSize, size)
	}
	entry, err := base64.StdEncoding.DecodeString(a.Log.Entry)
	if err != nil {
		fail("entry: %v", err)
	}
	err = tlog.CheckRecord(hashes(a.Log.Proof), size, root, a.Log.Index, tlog.RecordHash(entry))
	if err != nil {
		fail("inclusion of %d in %d: %v", a.Log.Index, size, err)
	}
	fmt.Printf("ok inclusion %d in %d\n", a.Log.Index, size)
}

func consistency(vkey, old, cur, path string) {
	var a struct {
		From  int64    `json:"from"`
		To    int64    `json:"to"`
		Proof []string `json:"proof"`
	}
	readJSON(path, &a)
	msg1, err1 := os.ReadFile(old)
	msg2, err2 := os.ReadFile(cur)
	if err1 != nil || err2 != nil {
		fail("cannot read the checkpoints")
	}
	n1, h1 := openCheckpoint(vkey, msg1)
	n2, h2 := openCheckpoint(vkey, msg2)
	if a.From != n1 || a.To != n2 {
		fail("proof from %d to %d, checkpoints of %d and %d", a.From, a.To, n1, n2)
	}
	if err := tlog.CheckTree(hashes(a.Proof), n2, h2, n1, h1); err != nil {
		fail("consistency of %d with %d: %v", n1, n2, err)
	}
	fmt.Printf("ok consistency %d to %d\n", n1, n2)
}

func main() {
	if len(os.Args) == 4 && os.Args[1] == "inclusion" {
		inclusion(os.Args[2], os.Args[3])
		return
	}
	if len(os.Args) == 6 && os.Args[1] == "consistency" {
		consistency(os.Args[2], os.Args[3], os.Args[4], os.Args[5])
		return
	}
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: gocheck VKEY DIR|URL")
		os.Exit(2)
	}
	base = strings.TrimSuffix(os.Args[2], "/")
	size, root := checkpoint(os.Args[1])
	if size == 0 {
		empty := sha256.Sum256(nil)
		if !bytes.Equal(empty[:], root[:]) {
			fail("empty tree with a root that is not SHA-256 of nothing")
		}
	} else {
		r := tlog.TileHashReader(tlog.Tree{N: size, Hash: root}, tileReader{})
		th, err := tlog.TreeHash(size, r)
		if err != nil {
			fail("tree hash: %v", err)
		}
		if th != root {
			fail("tree hash %v is not the checkpoint's %v", th, root)
		}
		entries(size, r)
	}
	fmt.Printf("size %d\nroot %s\n", size, base64.StdEncoding.EncodeToString(root[:]))
}
