package httpx

import (
	"strconv"

	"github.com/gin-gonic/gin"

	"minyi"
)

// QueryInt reads an integer query parameter within [lo, hi], def when absent.
func QueryInt(c *gin.Context, name string, def, lo, hi int) (int, error) {
	v := c.Query(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		var fe minyi.FieldErrors
		fe.Addf(name, "out_of_range", "应为 %d 到 %d 之间的整数", lo, hi)
		return 0, fe.Err()
	}
	return n, nil
}

// Page reads ?limit= (default 50, max 500) and ?after=.
func Page(c *gin.Context) (limit int, after string, err error) {
	limit, err = QueryInt(c, "limit", 50, 1, 500)
	return limit, c.Query("after"), err
}

// List is the paged List shape of API.md.
type List[T any] struct {
	Items []T     `json:"items"`
	Next  *string `json:"next"`
}

// NewList is a page of items; next is "" on the last page.
func NewList[T any](items []T, next string) List[T] {
	if items == nil {
		items = []T{}
	}
	l := List[T]{Items: items}
	if next != "" {
		l.Next = &next
	}
	return l
}

// Items is an unpaged list: {"items": [...]}.
type Items[T any] struct {
	Items []T `json:"items"`
}

// ItemsOf wraps v, an empty list rather than null.
func ItemsOf[T any](v []T) Items[T] {
	if v == nil {
		v = []T{}
	}
	return Items[T]{Items: v}
}
