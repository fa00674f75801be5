package ui

// Form parsing and what forms show: pickers' options, field errors, numbers.

import (
	"context"

	"github.com/gin-gonic/gin"

	"minyi/api/httpx"
	"minyi/api/rest"
	"minyi/decimal"
	"minyi/surveys"
)

// option is one choice of a picker.
type option struct {
	Value, Label string
}

// orgLabel is how an org appears in the type-ahead: name then code, so that
// typing either finds it.
func orgLabel(o surveys.Org) string { return o.Name + " [" + o.Code + "]" }

func orgOptions(ctx context.Context, orgs *surveys.OrgStore) ([]option, map[string]surveys.Org, error) {
	all, err := orgs.All(ctx)
	if err != nil {
		return nil, nil, err
	}
	out := make([]option, 0, len(all))
	for _, o := range all {
		out = append(out, option{o.ID, orgLabel(o)})
	}
	return out, rest.OrgIndex(all), nil
}

// formFailure splits a domain error into what a form shows: the status,
// the first message of each field and the general message. Server errors
// come back as err, for the 500 path.
func formFailure(c *gin.Context, err error) (int, map[string]string, httpx.ErrorDetail, error) {
	status, body := httpx.Classify(c.Request.Context(), err)
	if status >= 500 {
		return 0, nil, httpx.ErrorDetail{}, err
	}
	fields := map[string]string{}
	for _, fe := range body.Error.Fields {
		if _, dup := fields[fe.Field]; !dup {
			fields[fe.Field] = fe.Message
		}
	}
	return status, fields, body.Error, nil
}

// num formats x rounded to places decimals without trailing zeros (0.4,
// 95, 33.34): definitions are read by people, not lined up in columns.
func num(x float64, places int) string { return decimal.Plain(x, places) }
