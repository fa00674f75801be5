package feedback

import (
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// writeSet gathers the field writes of index documents and turns them into
// one update a document: the embedded store rewrites a document whole on
// every update, so an import that sets a day's hundred entries in one
// update writes the day once, not a hundred times. A later write of a
// field replaces an earlier one.
type writeSet struct {
	ids  []string // documents in the order first written
	docs map[string]*docWrites
}

type docWrites struct {
	fields []string
	ops    map[string]fieldOp
}

type fieldOp struct {
	unset bool
	value any
}

func (w *writeSet) doc(id string) *docWrites {
	if w.docs == nil {
		w.docs = map[string]*docWrites{}
	}
	d, ok := w.docs[id]
	if !ok {
		d = &docWrites{ops: map[string]fieldOp{}}
		w.docs[id] = d
		w.ids = append(w.ids, id)
	}
	return d
}

func (d *docWrites) put(field string, op fieldOp) {
	if _, ok := d.ops[field]; !ok {
		d.fields = append(d.fields, field)
	}
	d.ops[field] = op
}

// set sets field of document id, creating the document if need be.
func (w *writeSet) set(id, field string, value any) { w.doc(id).put(field, fieldOp{value: value}) }

// unset removes field of document id, if the document exists.
func (w *writeSet) unset(id, field string) { w.doc(id).put(field, fieldOp{unset: true}) }

// models are the updates, in the order the documents were first written.
// A document that only loses fields is not created.
func (w *writeSet) models() []mongo.WriteModel {
	out := make([]mongo.WriteModel, 0, len(w.ids))
	for _, id := range w.ids {
		d := w.docs[id]
		var set, unset bson.D
		for _, f := range d.fields {
			if op := d.ops[f]; op.unset {
				unset = append(unset, bson.E{Key: f, Value: ""})
			} else {
				set = append(set, bson.E{Key: f, Value: op.value})
			}
		}
		var update bson.D
		if len(set) > 0 {
			update = append(update, bson.E{Key: "$set", Value: set})
		}
		if len(unset) > 0 {
			update = append(update, bson.E{Key: "$unset", Value: unset})
		}
		out = append(out, mongo.NewUpdateOneModel().SetFilter(bson.D{{Key: "_id", Value: id}}).
			SetUpdate(update).SetUpsert(len(set) > 0))
	}
	return out
}
