package reports

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"minyi"
)

// collChunks holds export files as numbered chunks, _id "<job>:<n>". Not
// GridFS: the embedded store does not promise it, and a chunk addressed by a
// computed _id is read and deleted through the one lookup it serves fast,
// from any instance, with nothing on local disk.
const collChunks = "export_chunks"

// DefaultChunkSize keeps a chunk document well under MongoDB's 16 MiB
// limit and each insert short (GridFS's own default).
const DefaultChunkSize = 255 << 10

type chunk struct {
	ID   string `bson:"_id"`
	Job  string `bson:"job"`
	N    int    `bson:"n"`
	Data []byte `bson:"data"`
}

func chunkID(job string, n int) string { return job + ":" + strconv.Itoa(n) }

// chunkWriter buffers one chunk and inserts it when full; Close inserts
// the last, short one. written is called after each insert with the number
// of chunks stored, so that a job always records how many chunks it may
// own (a crash leaves at most one more, which the clean-up also deletes).
type chunkWriter struct {
	ctx     context.Context
	coll    *mongo.Collection
	job     string
	buf     []byte
	n       int
	size    int64
	written func(chunks int) error
}

func newChunkWriter(ctx context.Context, coll *mongo.Collection, job string, size int, written func(int) error) *chunkWriter {
	return &chunkWriter{ctx: ctx, coll: coll, job: job, buf: make([]byte, 0, size), written: written}
}

func (w *chunkWriter) Write(p []byte) (int, error) {
	total := len(p)
	for len(p) > 0 {
		k := min(cap(w.buf)-len(w.buf), len(p))
		w.buf = append(w.buf, p[:k]...)
		p = p[k:]
		if len(w.buf) == cap(w.buf) {
			if err := w.flush(); err != nil {
				return total - len(p) - k, err
			}
		}
	}
	return total, nil
}

func (w *chunkWriter) flush() error {
	if len(w.buf) == 0 {
		return nil
	}
	c := chunk{ID: chunkID(w.job, w.n), Job: w.job, N: w.n, Data: w.buf}
	if _, err := w.coll.InsertOne(w.ctx, c); err != nil {
		return fmt.Errorf("store export chunk %d: %w", w.n, err)
	}
	w.n++
	w.size += int64(len(w.buf))
	w.buf = w.buf[:0]
	if w.written != nil {
		return w.written(w.n)
	}
	return nil
}

// Close stores what is buffered.
func (w *chunkWriter) Close() error { return w.flush() }

// chunkReader reads chunks 0 … n-1 of a job in turn, each by its _id.
type chunkReader struct {
	ctx  context.Context
	coll *mongo.Collection
	job  string
	next int
	n    int
	buf  []byte
}

var errExpired = minyi.E(minyi.ErrGone, "export_expired", "导出文件已清理，请重新导出")

func (r *chunkReader) fetch() error {
	var c chunk
	err := r.coll.FindOne(r.ctx, bson.D{{Key: "_id", Value: chunkID(r.job, r.next)}}).Decode(&c)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return errExpired
	}
	if err != nil {
		return fmt.Errorf("read export chunk %d: %w", r.next, err)
	}
	r.next++
	r.buf = c.Data
	return nil
}

func (r *chunkReader) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		if r.next >= r.n {
			return 0, io.EOF
		}
		if err := r.fetch(); err != nil {
			return 0, err
		}
	}
	k := copy(p, r.buf)
	r.buf = r.buf[k:]
	return k, nil
}

// Close releases the buffered chunk.
func (r *chunkReader) Close() error {
	r.buf = nil
	return nil
}

// deleteChunks removes chunks 0 … n of job by _id (n itself too: a crash
// between a chunk's insert and the job's count leaves one uncounted).
func deleteChunks(ctx context.Context, coll *mongo.Collection, job string, n int) error {
	for i := 0; i <= n; i++ {
		if _, err := coll.DeleteOne(ctx, bson.D{{Key: "_id", Value: chunkID(job, i)}}); err != nil {
			return fmt.Errorf("delete export chunk %d: %w", i, err)
		}
	}
	return nil
}
