package httpx

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

// CSRFField is the form field that carries a CSRF token.
const CSRFField = "csrf_token"

// FormCSRF is the double-submit CSRF token of a form shown to a visitor
// who has no session (the login page, the public feedback form): the same
// random value in an HttpOnly, SameSite=Strict cookie and in the form, and
// FormCSRFOK checks the POST carries both. A cookie already set is reused,
// so a form shown again after an error, or open in two tabs, stays valid.
func FormCSRF(c *gin.Context, cookie, path string) string {
	if v, err := c.Cookie(cookie); err == nil && len(v) == 32 {
		return v
	}
	var b [16]byte
	_, _ = rand.Read(b[:])
	tok := hex.EncodeToString(b[:])
	http.SetCookie(c.Writer, &http.Cookie{Name: cookie, Value: tok, Path: path, HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: SecureRequest(c), MaxAge: int((12 * time.Hour).Seconds())})
	return tok
}

// FormCSRFOK reports whether the form field csrf_token matches the cookie.
func FormCSRFOK(c *gin.Context, cookie string) bool {
	ck, _ := c.Cookie(cookie)
	return ck != "" && subtle.ConstantTimeCompare([]byte(ck), []byte(c.PostForm(CSRFField))) == 1
}
