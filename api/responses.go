package api

import (
	"minyi/api/httpx"
	"time"

	"minyi/feedback"
	"minyi/surveys"
)

// Named answers of handlers that once wrote maps, so the OpenAPI document
// can describe them from the type the handler writes.

// codeCountList is each rater group's issued and used codes, and the sum.
type codeCountList struct {
	Items []httpx.GroupCount `json:"items"`
	Total surveys.CodeCount  `json:"total"`
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
