package httpx

import (
	"errors"
	"mime"
	"net/http"

	"github.com/gin-gonic/gin"

	"minyi"
)

// ParseForm reads a form body once for every later reader, telling a body
// over the route's limit (413) from a malformed one (400).
func ParseForm(c *gin.Context) error {
	var err error
	if mt, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type")); mt == "multipart/form-data" {
		err = c.Request.ParseMultipartForm(8 << 20)
	} else {
		err = c.Request.ParseForm()
	}
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return minyi.E(minyi.ErrTooLarge, "body_too_large", "提交的内容过大（上传的文件不能超过限制大小）")
	case err != nil:
		return minyi.E(minyi.ErrBadRequest, "bad_form", "提交的内容无法识别，请返回重试")
	}
	return nil
}

// IsForm reports whether the body is an HTML form.
func IsForm(c *gin.Context) bool {
	mt, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type"))
	return mt == "application/x-www-form-urlencoded" || mt == "multipart/form-data"
}
