package api

import (
	"time"

	"minyi/feedback"
	"minyi/surveys"
)

// Named answers of handlers that once wrote maps, so the OpenAPI document
// can describe them from the type the handler writes.

// items is an unpaged list: {"items": [...]}.
type items[T any] struct {
	Items []T `json:"items"`
}

func itemsOf[T any](v []T) items[T] {
	if v == nil {
		v = []T{}
	}
	return items[T]{Items: v}
}

// codeCountList is each rater group's issued and used codes, and the sum.
type codeCountList struct {
	Items []groupCount      `json:"items"`
	Total surveys.CodeCount `json:"total"`
}

// rebuiltResults is the answer to a rebuild: how many ballots were counted.
type rebuiltResults struct {
	SurveyID string `json:"survey_id"`
	Ballots  int64  `json:"ballots"`
}

// publicWorkOrderReceipt is what a resident learns of their new order.
type publicWorkOrderReceipt struct {
	Number string          `json:"number"`
	Status feedback.Status `json:"status"`
	DueAt  time.Time       `json:"due_at"`
}
