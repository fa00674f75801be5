package surveys

import (
	"fmt"
	"strconv"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"
)

// Answers are stored as one compact string each rather than a subdocument:
// the embedded store spends most of an insert converting nested documents,
// and a ballot of 20 subjects × 5 questions has 100 answers. Ballots are only
// ever streamed back whole (exports, tally rebuilds), never queried by
// answer, so nothing is lost. The fields are separated by the unit separator
// U+001F and the options of a multiple choice by U+001E; neither can occur in
// a field: keys and ids are validated identifiers and text answers have
// their control characters refused (minyi.CleanText).
const (
	answerSep = "\x1f"
	optionSep = "\x1e"
)

// MarshalBSONValue encodes the answer as
// question␟subject␟option␟options␟value␟text.
func (a Answer) MarshalBSONValue() (byte, []byte, error) {
	value := ""
	if a.Value != nil {
		value = strconv.Itoa(*a.Value)
	}
	s := strings.Join([]string{a.Question, a.Subject, a.Option, strings.Join(a.Options, optionSep), value, a.Text}, answerSep)
	return byte(bson.TypeString), bsoncore.AppendString(nil, s), nil
}

// UnmarshalBSONValue decodes what MarshalBSONValue wrote.
func (a *Answer) UnmarshalBSONValue(t byte, data []byte) error {
	if bson.Type(t) != bson.TypeString {
		return fmt.Errorf("answer: want a string, got BSON type %#x", t)
	}
	s, _, ok := bsoncore.ReadString(data)
	if !ok {
		return fmt.Errorf("answer: malformed string")
	}
	f := strings.SplitN(s, answerSep, 6)
	if len(f) != 6 {
		return fmt.Errorf("answer: %d fields, want 6", len(f))
	}
	*a = Answer{Question: f[0], Subject: f[1], Option: f[2], Text: f[5]}
	if f[3] != "" {
		a.Options = strings.Split(f[3], optionSep)
	}
	if f[4] != "" {
		v, err := strconv.Atoi(f[4])
		if err != nil {
			return fmt.Errorf("answer value: %w", err)
		}
		a.Value = &v
	}
	return nil
}
