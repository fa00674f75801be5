package httpx

import (
	"github.com/gin-gonic/gin"

	"minyi/reports"
	"minyi/surveys"
)

// PublicPath is the path residents open.
func PublicPath(slug string) string { return "/s/" + slug }

// PublicLink is the absolute link residents open.
func PublicLink(baseURL string, sv *surveys.Survey) string {
	return baseURL + PublicPath(sv.Slug)
}

// Attachment names a download: an ASCII fallback and the Chinese name.
func Attachment(c *gin.Context, ascii, name string) {
	c.Header("Content-Disposition", reports.ContentDisposition(name, ascii))
}

// SecureRequest reports whether the client reached us over HTTPS.
func SecureRequest(c *gin.Context) bool {
	return c.Request.TLS != nil || c.GetHeader("X-Forwarded-Proto") == "https"
}

// XLSXType is the content type of Excel workbooks.
const XLSXType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
