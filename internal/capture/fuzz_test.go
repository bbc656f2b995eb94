package capture

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzRecover feeds Recover a dead writer's file with arbitrary bytes
// after its whole exchanges (and arbitrary files from the corpus): it
// must never fail or panic, never cut a whole exchange that comes before
// the damage, and always leave a file that reads strictly.
func FuzzRecover(f *testing.F) {
	src := f.TempDir()
	_, data, refs := crashedFile(f, src, 2)
	whole := refs[1].Offset // the first exchange ends here
	f.Add(data[whole:], uint16(0))
	f.Add(data[whole:], uint16(len(data)-int(whole)-7))
	f.Add([]byte("WARC/1.1\r\nContent-Length: 99999999999\r\n\r\n"), uint16(0))
	f.Add([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}, uint16(3))
	f.Fuzz(func(t *testing.T, tail []byte, flip uint16) {
		b := append(append([]byte{}, data[:whole]...), tail...)
		if len(tail) > 0 {
			b[int(whole)+int(flip)%len(tail)] ^= 0x5a
		}
		dir := t.TempDir()
		name := refs[0].File
		if err := os.WriteFile(filepath.Join(dir, name+openSuffix), b, 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := Recover(dir)
		if err != nil || len(got) != 1 {
			t.Fatalf("got %v, %v", got, err)
		}
		if got[0].Kept < whole {
			t.Fatalf("kept %d bytes, the first exchange ends at %d", got[0].Kept, whole)
		}
		if n := strictRead(t, filepath.Join(dir, name)); n < 4 || (n-1)%3 != 0 {
			t.Fatalf("%d records after recovery", n)
		}
		if _, err := ReadExchange(dir, name, refs[0].Offset); err != nil {
			t.Fatal(err)
		}
	})
}
