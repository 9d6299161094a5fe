package frontend

import "github.com/gin-gonic/gin"

// healthBody is Conductor's constant health answer. Load balancers and the
// SDKs' readiness checks only look at "healthy".
var healthBody = []byte(`{"healthResults":[],"suppressedHealthResults":[],"healthy":true}`)

func (s *Server) health(c *gin.Context) {
	c.Data(200, jsonContentType, healthBody)
}
