package ui

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"minyi/api/httpx"
	"minyi/feedback"
)

// The hotline settings an administrator keeps: the holiday calendar
// (/admin/calendar) and the category catalogue (/admin/categories).

type calendarView struct {
	Year      int
	Years     []int
	Days      []feedback.CalendarDay
	Uncovered []int
	Done      string
	Error     string
	Form      feedback.CalendarEntry
}

func (s *WorkOrderPages) CalendarPage(c *gin.Context) error {
	return s.renderCalendar(c, http.StatusOK, "", "", feedback.CalendarEntry{})
}

func (s *WorkOrderPages) renderCalendar(c *gin.Context, status int, done, errMsg string, form feedback.CalendarEntry) error {
	cal := s.orderOps.Calendar()
	if err := cal.Refresh(c.Request.Context()); err != nil {
		return err
	}
	p := cal.Policy()
	now := s.now().In(p.Location())
	year := now.Year()
	if y, err := strconv.Atoi(c.Query("year")); err == nil && y >= 2000 && y <= 2100 {
		year = y
	}
	if d := form.Date; len(d) >= 4 {
		if y, err := strconv.Atoi(d[:4]); err == nil && y >= 2000 && y <= 2100 {
			year = y
		}
	}
	v := calendarView{Year: year, Years: []int{now.Year() - 1, now.Year(), now.Year() + 1, now.Year() + 2}, Days: p.Days(year),
		Uncovered: p.Uncovered(s.now()), Done: done, Error: errMsg, Form: form}
	if v.Form.Date == "" {
		v.Form.Holiday = true
	}
	return s.renderWO(c, status, "wo_calendar", "节假日与调休", v)
}

func (s *WorkOrderPages) SubmitCalendar(c *gin.Context) error {
	in := feedback.CalendarEntry{Date: c.PostForm("date"), Name: c.PostForm("name"), Holiday: c.PostForm("kind") != "workday",
		Remove: c.PostForm("remove") != ""}
	if err := s.orderOps.Calendar().Set(c.Request.Context(), in); err != nil {
		status, body := httpx.Classify(c.Request.Context(), err)
		if status >= 500 {
			return err
		}
		msg := body.Error.Message
		for _, f := range body.Error.Fields {
			msg += "；" + f.Message
		}
		return s.renderCalendar(c, status, "", msg, in)
	}
	done := "已保存 " + in.Date
	if in.Remove {
		done = "已删除 " + in.Date + " 的管理员条目"
	}
	return s.renderCalendar(c, http.StatusOK, done, "", feedback.CalendarEntry{Date: in.Date[:min(4, len(in.Date))] + "-", Holiday: true})
}

type categoriesView struct {
	Paths []feedback.CategoryPath
	JSON  string
	Done  string
	Error string
}

func (s *WorkOrderPages) CategoriesPage(c *gin.Context) error {
	return s.renderCategories(c, http.StatusOK, "", "", "")
}

func (s *WorkOrderPages) renderCategories(c *gin.Context, status int, text, done, errMsg string) error {
	cat, err := s.orderOps.Categories().Get(c.Request.Context())
	if err != nil {
		return err
	}
	if text == "" {
		b, err := json.MarshalIndent(cat.Tree, "", "  ")
		if err != nil {
			return err
		}
		text = string(b)
	}
	return s.renderWO(c, status, "wo_categories", "问题分类", categoriesView{Paths: cat.Paths, JSON: text, Done: done, Error: errMsg})
}

// SubmitCategories replaces the catalogue from its JSON text (the same
// shape as PUT /work-orders/categories).
func (s *WorkOrderPages) SubmitCategories(c *gin.Context) error {
	text := strings.TrimSpace(c.PostForm("tree"))
	var tree []feedback.Category
	if err := json.Unmarshal([]byte(text), &tree); err != nil {
		return s.renderCategories(c, http.StatusUnprocessableEntity, text, "", "分类目录不是有效的 JSON，请检查括号、逗号和引号")
	}
	if _, err := s.orderOps.Categories().Put(c.Request.Context(), tree); err != nil {
		status, body := httpx.Classify(c.Request.Context(), err)
		if status >= 500 {
			return err
		}
		msg := body.Error.Message
		for _, f := range body.Error.Fields {
			msg += "；" + f.Message
		}
		return s.renderCategories(c, status, text, "", msg)
	}
	return s.renderCategories(c, http.StatusOK, "", "分类目录已保存", "")
}
