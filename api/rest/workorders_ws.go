package rest

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"minyi"
	"minyi/api/httpx"
	"minyi/feedback"
)

// The hotline workspace's endpoints (issue 14): the caller's number on
// explicit request, the category catalogue, and the list's filters.

// RevealedPhone is the caller's full number, answered to one audited request.
type RevealedPhone struct {
	Phone string `json:"phone"`
}

func (s *WorkOrders) RevealPhone(c *gin.Context) error {
	phone, err := s.orderOps.RevealPhone(c.Request.Context(), c.Param("id"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, RevealedPhone{Phone: phone})
	return nil
}

// detail is the order with the caller's other orders within the scope.
func (s *WorkOrders) detail(c *gin.Context, o *feedback.Order) (WorkOrderView, error) {
	v := s.viewOrder(*o)
	scope, err := s.scope.OrgScope(c)
	if err != nil {
		return v, err
	}
	v.CallerHistory, err = s.workOrders.CallerHistory(c.Request.Context(), o, scope, 20)
	return v, err
}

// searchFilter reads q and the workspace's filters (kind, channel,
// category, supervised) into f. A q that is a phone number searches by the
// caller's keyed hash, for operators and admins only (audited).
func (s *WorkOrders) searchFilter(c *gin.Context, f *feedback.Filter) error {
	var fe minyi.FieldErrors
	if q := strings.TrimSpace(c.Query("q")); q != "" {
		if phone, err := feedback.NormalizePhone(q); err == nil && !OrderNumber.MatchString(q) {
			h, err := s.orderOps.PhoneSearch(c.Request.Context(), phone)
			if err != nil {
				return err
			}
			f.PhoneHash = h
		} else {
			f.Q = q
		}
	}
	if k := feedback.Kind(c.Query("kind")); k != "" {
		if !k.Valid() {
			fe.Add("kind", "invalid", "未知的诉求类型："+string(k))
		}
		f.Kind = k
	}
	if ch := feedback.Channel(c.Query("channel")); ch != "" {
		if !ch.Valid() {
			fe.Add("channel", "invalid", "未知的来源："+string(ch))
		}
		f.Channel = ch
	}
	f.Category = strings.Trim(c.Query("category"), "/ ")
	switch c.Query("supervised") {
	case "", "false":
	case "true":
		f.Supervised = true
	default:
		fe.Add("supervised", "invalid", "supervised 应为 true 或 false")
	}
	return fe.Err()
}

// CategoryTree is the catalogue as the API carries it.
type CategoryTree []feedback.Category

func (s *WorkOrders) GetCategories(c *gin.Context) error {
	cat, err := s.orderOps.Categories().Get(c.Request.Context())
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, CategoryTree(cat.Tree))
	return nil
}

func (s *WorkOrders) PutCategories(c *gin.Context) error {
	var in CategoryTree
	if err := httpx.DecodeJSON(c, &in); err != nil {
		return err
	}
	cat, err := s.orderOps.Categories().Put(c.Request.Context(), in)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, CategoryTree(cat.Tree))
	return nil
}
