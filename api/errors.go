package api

import (
	"github.com/gin-gonic/gin"

	"minyi/api/httpx"
)

// respondError writes err as the API error shape (httpx.RespondJSON).
func (s *Server) respondError(c *gin.Context, err error) { httpx.RespondJSON(c, s.log, err) }
