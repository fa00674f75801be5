package httpx

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"minyi"
)

// ErrorBody is the JSON shape of every error answer (API.md, Conventions).
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

type ErrorDetail struct {
	Code      string             `json:"code"`
	Message   string             `json:"message"`
	Fields    []minyi.FieldError `json:"fields,omitempty"`
	Details   map[string]any     `json:"details,omitempty"`
	RequestID string             `json:"request_id,omitempty"`
}

// statusOf is the one mapping from error kinds to HTTP status codes.
var statusOf = []struct {
	kind    error
	status  int
	code    string
	message string
}{
	{minyi.ErrBadRequest, http.StatusBadRequest, "bad_request", "请求格式有误"},
	{minyi.ErrUnauthorized, http.StatusUnauthorized, "unauthorized", "请先登录"},
	{minyi.ErrForbidden, http.StatusForbidden, "forbidden", "没有权限进行此操作"},
	{minyi.ErrNotFound, http.StatusNotFound, "not_found", "请求的内容不存在"},
	{minyi.ErrMethodNotAllowed, http.StatusMethodNotAllowed, "method_not_allowed", "不支持此请求方法"},
	{minyi.ErrConflict, http.StatusConflict, "conflict", "操作与当前状态冲突"},
	{minyi.ErrGone, http.StatusGone, "gone", "已不再可用"},
	{minyi.ErrTooLarge, http.StatusRequestEntityTooLarge, "body_too_large", "提交的内容过大"},
	{minyi.ErrUnsupportedMedia, http.StatusUnsupportedMediaType, "unsupported_media_type", "请以 JSON 格式提交"},
	{minyi.ErrInvalid, http.StatusUnprocessableEntity, "validation_failed", "提交的内容有误，请检查标出的项目"},
	{minyi.ErrRateLimited, http.StatusTooManyRequests, "rate_limited", "操作过于频繁，请稍后再试"},
	{minyi.ErrUnavailable, http.StatusServiceUnavailable, "store_unavailable", "服务暂时不可用，请稍后再试"},
}

// RespondJSON writes err as the API error shape. Domain errors carry their
// own code and message; anything else is an internal error whose text is
// logged with the request id and never shown to the client.
func RespondJSON(c *gin.Context, log *slog.Logger, err error) {
	reqID := RequestID(c)
	status, body := Classify(c.Request.Context(), err)
	NoteStoreFailure(c, err)
	body.Error.RequestID = reqID
	if status >= 500 {
		log.ErrorContext(c.Request.Context(), "request failed",
			slog.String("request_id", reqID), slog.String("route", c.FullPath()), slog.Any("err", err))
	}
	if status == http.StatusServiceUnavailable || status == http.StatusTooManyRequests {
		if c.Writer.Header().Get("Retry-After") == "" {
			c.Header("Retry-After", "5")
		}
	}
	c.AbortWithStatusJSON(status, body)
}

// Classify maps err to its status and the error body a client may see. The
// store failing (IsStoreFailure), as opposed to refusing, is 503
// store_unavailable: the client may retry, nothing of the request was lost
// on our side.
func Classify(ctx context.Context, err error) (int, ErrorBody) {
	var de *minyi.Error
	errors.As(err, &de)
	for _, m := range statusOf {
		if !errors.Is(err, m.kind) {
			continue
		}
		d := ErrorDetail{Code: m.code, Message: m.message}
		if de != nil {
			if de.Code != "" {
				d.Code = de.Code
			}
			if de.Message != "" {
				d.Message = de.Message
			}
			d.Fields, d.Details = de.Fields, de.Details
		}
		return m.status, ErrorBody{Error: d}
	}
	if IsStoreFailure(err) || errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
		return http.StatusServiceUnavailable, ErrorBody{Error: ErrorDetail{Code: "store_unavailable", Message: "服务暂时不可用，请稍后再试"}}
	}
	return http.StatusInternalServerError, ErrorBody{Error: ErrorDetail{Code: "internal", Message: "服务器内部错误，请稍后再试"}}
}
