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

// trustedPeerKey marks, in the gin context, a request whose direct peer is
// one of the trusted proxies (set by the edge's middleware).
const trustedPeerKey = "minyi.trusted_peer"

// MarkTrustedPeer records that the request came through a trusted proxy,
// whose forwarded headers may be believed.
func MarkTrustedPeer(c *gin.Context) { c.Set(trustedPeerKey, true) }

// SecureRequest reports whether the client reached us over HTTPS: TLS to
// us, or X-Forwarded-Proto: https from a trusted proxy (from anyone else
// the header is the client's say-so, and would be ignored).
func SecureRequest(c *gin.Context) bool {
	if c.Request.TLS != nil {
		return true
	}
	return c.GetBool(trustedPeerKey) && c.GetHeader("X-Forwarded-Proto") == "https"
}

// XLSXType is the content type of Excel workbooks.
const XLSXType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
