package ui

import (
	"log/slog"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"minyi/api/httpx"
)

// Page adapts a page handler: an error it returns becomes the error page.
func (s *Renderer) Page(fn httpx.HandlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := fn(c); err != nil {
			s.Error(c, err)
		}
	}
}

// messageView is what the error page shows: a title, the message, the
// error's code (for scripts and tests) and a way back.
type messageView struct {
	Title     string
	Message   string
	Code      string
	RequestID string
	Back      string
	BackText  string
}

// errorTitles name the errors a resident or an official meets most.
var errorTitles = map[string]string{
	"survey_closed": "测评已结束", "survey_not_open": "测评尚未开始", "survey_not_found": "未找到该测评",
	"code_used": "测评码已使用", "code_unknown": "测评码无效", "rate_limited": "请稍后再试",
	"route_not_found": "页面不存在", "method_not_allowed": "不支持此请求方法",
}

// Error is the one answer of a page to an error, whatever its status:
// an HTML page in Chinese with the message and a way back. Server errors
// are logged with the request id; their text is never shown.
func (s *Renderer) Error(c *gin.Context, err error) {
	ctx := c.Request.Context()
	status, body := httpx.Classify(ctx, err)
	httpx.NoteStoreFailure(c, err)
	reqID := httpx.RequestID(c)
	if status >= 500 {
		s.log.ErrorContext(ctx, "page failed",
			slog.String("request_id", reqID), slog.String("route", c.FullPath()), slog.Any("err", err))
	}
	if (status == http.StatusServiceUnavailable || status == http.StatusTooManyRequests) && c.Writer.Header().Get("Retry-After") == "" {
		c.Header("Retry-After", "5")
	}
	title := errorTitles[body.Error.Code]
	if title == "" {
		title = "无法访问"
		if status >= 500 {
			title = "服务暂时出错"
		}
	}
	back, text := backLink(c.Request.URL.Path)
	v := messageView{Title: title, Message: body.Error.Message, Code: body.Error.Code, RequestID: reqID, Back: back, BackText: text}
	if rerr := s.Render(c, status, "message", PageView{Title: title, Data: v}); rerr != nil {
		s.log.ErrorContext(ctx, "error page failed", slog.String("request_id", reqID), slog.Any("err", rerr))
		c.Data(http.StatusInternalServerError, "text/html; charset=utf-8", []byte(brokenPage))
	}
	c.Abort()
}

// backLink is where the error page leads: a resident's public page leads
// back to itself, everything else to the home page.
func backLink(path string) (href, text string) {
	if strings.HasPrefix(path, "/s/") || path == "/feedback" {
		return path, "返回"
	}
	return "/", "返回首页"
}

// brokenPage is the last resort when even the error page cannot be rendered.
const brokenPage = `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>服务暂时出错 · 民意</title>` +
	`<h1>服务暂时出错</h1><p>请稍后再试。</p><p><a href="/">返回首页</a></p></html>`
