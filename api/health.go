package api

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"minyi"
)

func (s *Server) healthz(c *gin.Context) error {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
	return nil
}

// readyz answers 200 only when the store answers a ping in time and has
// not been failing writes (httpx.WriteHealth): a store that answers pings
// but cannot write (a full disk) is not ready either.
func (s *Server) readyz(c *gin.Context) error {
	if s.store == nil {
		return minyi.E(minyi.ErrUnavailable, "store_unavailable", "数据库未连接")
	}
	if s.writes.Failing() {
		return minyi.E(minyi.ErrUnavailable, "store_unavailable", "数据库暂时无法写入")
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		s.log.WarnContext(ctx, "readyz: store ping failed", "err", err)
		return minyi.E(minyi.ErrUnavailable, "store_unavailable", "数据库暂时无法访问")
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready"})
	return nil
}
