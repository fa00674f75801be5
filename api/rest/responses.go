package rest

import (
	"time"

	"minyi/api/httpx"
	"minyi/feedback"
	"minyi/surveys"
)

// Named answers of handlers that once wrote maps, so the OpenAPI document
// can describe them from the type the handler writes.

// CodeCountList is each rater group's issued and used codes, and the sum.
type CodeCountList struct {
	Items []httpx.GroupCount `json:"items"`
	Total surveys.CodeCount  `json:"total"`
}

// RebuiltResults is the answer to a rebuild: how many ballots were counted.
type RebuiltResults struct {
	SurveyID string `json:"survey_id"`
	Ballots  int64  `json:"ballots"`
}

// PublicWorkOrderReceipt is what a resident learns of their new order.
type PublicWorkOrderReceipt struct {
	Number string          `json:"number"`
	Status feedback.Status `json:"status"`
	DueAt  time.Time       `json:"due_at"`
}
