package api

import (
	"net/http"
	"reflect"
	"strings"

	"github.com/gin-gonic/gin"
)

// openapi serves an OpenAPI 3 document generated from the route table, so
// every endpoint documents itself when it is registered.
func (s *Server) openapi(c *gin.Context) error {
	c.JSON(http.StatusOK, s.openapiDoc())
	return nil
}

func (s *Server) openapiDoc() map[string]any {
	paths := map[string]map[string]any{}
	for _, r := range s.routes {
		p := "/api/v1" + openapiPath(r.path)
		if paths[p] == nil {
			paths[p] = map[string]any{}
		}
		op := map[string]any{
			"summary":     r.summary,
			"operationId": strings.ToLower(r.method) + strings.NewReplacer("/", "_", ":", "", "-", "_", ".", "_").Replace(r.path),
			"responses": map[string]any{
				"default": map[string]any{"description": "错误", "content": jsonContent(map[string]any{"$ref": "#/components/schemas/Error"})},
				"2XX":     map[string]any{"description": "成功"},
			},
		}
		if r.tag != "" {
			op["tags"] = []string{r.tag}
		}
		if params := pathParams(r.path); len(params) > 0 {
			op["parameters"] = params
		}
		if r.public {
			op["security"] = []any{}
		} else {
			roles := []string{"admin"}
			for _, role := range r.roles {
				roles = append(roles, string(role))
			}
			op["x-roles"] = roles
		}
		if r.body != nil {
			op["requestBody"] = map[string]any{"required": true, "content": jsonContent(schemaOf(reflect.TypeOf(r.body)))}
		}
		paths[p][strings.ToLower(r.method)] = op
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{
			"title":       "Minyi API",
			"version":     s.version,
			"description": "民意：党员与党支部满意度测评、民主评议、热线工单与测评结果汇总。",
		},
		"servers":  []any{map[string]any{"url": "/"}},
		"paths":    paths,
		"security": []any{map[string]any{"bearer": []string{}}},
		"components": map[string]any{
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}},
			"schemas": map[string]any{"Error": map[string]any{
				"type": "object",
				"properties": map[string]any{"error": map[string]any{
					"type": "object",
					"properties": map[string]any{
						"code": map[string]any{"type": "string"}, "message": map[string]any{"type": "string"},
						"request_id": map[string]any{"type": "string"},
						"fields": map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{
							"field": map[string]any{"type": "string"}, "code": map[string]any{"type": "string"}, "message": map[string]any{"type": "string"},
						}}},
					},
				}},
			}},
		},
	}
}

func jsonContent(schema any) map[string]any {
	return map[string]any{"application/json": map[string]any{"schema": schema}}
}

func openapiPath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		if strings.HasPrefix(s, ":") || strings.HasPrefix(s, "*") {
			parts[i] = "{" + s[1:] + "}"
		}
	}
	return strings.Join(parts, "/")
}

func pathParams(p string) []any {
	var out []any
	for _, s := range strings.Split(p, "/") {
		if strings.HasPrefix(s, ":") {
			out = append(out, map[string]any{"name": s[1:], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
	}
	return out
}

// schemaOf describes a Go request type as a JSON schema, from its json tags.
func schemaOf(t reflect.Type) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": schemaOf(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": schemaOf(t.Elem())}
	case reflect.Struct:
		if t.PkgPath() == "time" && t.Name() == "Time" {
			return map[string]any{"type": "string", "format": "date-time"}
		}
		props := map[string]any{}
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			props[name] = schemaOf(f.Type)
		}
		return map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	}
	return map[string]any{}
}
