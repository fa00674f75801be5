package httpx

import (
	"context"

	"minyi/surveys"
)

// GroupCount is one rater group's issued and used codes.
type GroupCount struct {
	RaterGroup string `json:"rater_group"`
	Name       string `json:"name"`
	surveys.CodeCount
}

// GroupCounts is issued-vs-used per rater group of sv, in its group order,
// and the totals.
func GroupCounts(ctx context.Context, codes *surveys.CodeStore, sv *surveys.Survey) ([]GroupCount, surveys.CodeCount, error) {
	var total surveys.CodeCount
	counts, err := codes.Counts(ctx, sv.ID)
	if err != nil {
		return nil, total, err
	}
	items := []GroupCount{}
	for _, g := range sv.RaterGroups {
		n := counts[g.Key]
		items = append(items, GroupCount{RaterGroup: g.Key, Name: g.Name, CodeCount: n})
		total.Issued += n.Issued
		total.Used += n.Used
	}
	return items, total, nil
}
