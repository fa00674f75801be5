package httpx

import (
	"net/netip"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"minyi/reports"
	"minyi/surveys"
)

// PublicPath is the path residents open.
func PublicPath(slug string) string { return "/s/" + slug }

// PublicLink is the absolute link residents open, on the configured base
// URL or, without one, on the address of the request (BaseOf).
func PublicLink(c *gin.Context, baseURL string, sv *surveys.Survey) string {
	return BaseOf(c, baseURL) + PublicPath(sv.Slug)
}

// BaseOf is configured when set, else the scheme and host the client used
// to reach us: the admin who prints codes from http://10.0.0.5:8080 gets
// links to that address. Forwarded headers count only from trusted proxies.
func BaseOf(c *gin.Context, configured string) string {
	if configured != "" {
		return configured
	}
	scheme := "http"
	if SecureRequest(c) {
		scheme = "https"
	}
	host := c.Request.Host
	if h := c.GetHeader("X-Forwarded-Host"); h != "" && c.GetBool(trustedPeerKey) {
		host, _, _ = strings.Cut(h, ",")
		host = strings.TrimSpace(host)
	}
	if host == "" {
		host = "localhost"
	}
	return scheme + "://" + host
}

// LoopbackWarning is the warning a page shows when the links it prints
// point to this machine only (localhost, 127.x, ::1) while the admin is
// not on it: phones could not open them.
func LoopbackWarning(c *gin.Context, link string) string {
	u, err := url.Parse(link)
	if err != nil || !loopbackHost(u.Hostname()) || loopbackHost(c.ClientIP()) {
		return ""
	}
	return "注意：链接和二维码指向本机地址（" + u.Host + "），其他人的手机无法打开。请设置 MINYI_BASE_URL 为大家能访问的地址，或用大家能访问的地址打开本页面。"
}

func loopbackHost(h string) bool {
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	ip, err := netip.ParseAddr(h)
	return err == nil && ip.IsLoopback()
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
