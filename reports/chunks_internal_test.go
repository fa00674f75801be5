package reports

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"minyi"
	"minyi/store/storetest"
)

// TestChunksRoundTrip: a file of many chunks, written in uneven pieces,
// reads back byte for byte, each chunk fetched by its _id; deleteChunks
// removes every one; a missing chunk is 410, never a short file.
func TestChunksRoundTrip(t *testing.T) {
	db := storetest.DB(t)
	coll := db.Collection(collChunks)
	const size = 4 << 10
	data := make([]byte, 7*size+123)
	rnd := rand.New(rand.NewPCG(1, 2))
	for i := range data {
		data[i] = byte(rnd.UintN(256))
	}
	var counted []int
	w := newChunkWriter(t.Context(), coll, "j1", size, func(n int) error { counted = append(counted, n); return nil })
	for rest := data; len(rest) > 0; {
		k := min(len(rest), 1+rnd.IntN(3*size))
		if n, err := w.Write(rest[:k]); err != nil || n != k {
			t.Fatalf("write %d: %d %v", k, n, err)
		}
		rest = rest[k:]
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if w.n != 8 || w.size != int64(len(data)) || len(counted) != 8 || counted[7] != 8 {
		t.Fatalf("%d chunks, %d bytes, counted %v; want 8 chunks of %d bytes", w.n, w.size, counted, len(data))
	}
	r := &chunkReader{ctx: t.Context(), coll: coll, job: "j1", n: w.n}
	got, err := io.ReadAll(r)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("read back %d bytes (%v), want the %d written", len(got), err, len(data))
	}

	if _, err := coll.DeleteOne(t.Context(), bson.D{{Key: "_id", Value: chunkID("j1", 5)}}); err != nil {
		t.Fatal(err)
	}
	r = &chunkReader{ctx: t.Context(), coll: coll, job: "j1", n: w.n}
	if _, err := io.ReadAll(r); !errors.Is(err, minyi.ErrGone) {
		t.Errorf("read with a chunk missing: %v, want 410", err)
	}
	if err := deleteChunks(t.Context(), coll, "j1", w.n); err != nil {
		t.Fatal(err)
	}
	if n, err := coll.CountDocuments(t.Context(), bson.D{}); err != nil || n != 0 {
		t.Errorf("%d chunks left (%v)", n, err)
	}
}
