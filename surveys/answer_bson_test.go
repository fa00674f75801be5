package surveys

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.mongodb.org/mongo-driver/v2/bson"
)

func TestAnswerBSONRoundTrip(t *testing.T) {
	seven, zero := 7, 0
	b := Ballot{ID: "x", Answers: []Answer{
		{Question: "grade", Subject: "m1", Option: "excellent"},
		{Question: "multi", Options: []string{"a", "c"}},
		{Question: "nps", Value: &seven},
		{Question: "nps0", Value: &zero},
		{Question: "note", Text: "第一行\n第二行\t含制表符"},
		{Question: "empty"},
	}}
	raw, err := bson.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	var got Ballot
	if err := bson.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(b, got); d != "" {
		t.Fatalf("round trip (-want +got):\n%s", d)
	}
}

func TestAnswerBSONRejectsGarbage(t *testing.T) {
	var a Answer
	if err := a.UnmarshalBSONValue(byte(bson.TypeInt32), []byte{1, 0, 0, 0}); err == nil {
		t.Fatal("int accepted")
	}
	_, data, _ := Answer{Question: "q"}.MarshalBSONValue()
	if err := a.UnmarshalBSONValue(byte(bson.TypeString), data[:3]); err == nil {
		t.Fatal("truncated string accepted")
	}
}
