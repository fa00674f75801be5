// Package openapi builds an OpenAPI 3.0 document from descriptions of
// operations and the Go types their handlers read and write, so the
// document describes what the code does rather than what someone wrote
// down. It knows nothing of gin or of the service's routes: the caller
// passes one Operation per endpoint.
package openapi

import (
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// Operation is one endpoint as the document shows it.
type Operation struct {
	Method  string
	Path    string // gin syntax: /api/v1/surveys/:id
	ID      string // operationId; OperationID(Method, Path) when empty
	Summary string
	Tag     string
	Roles   []string // x-roles: who may call it

	// Security lists the alternatives that authenticate the call (each a
	// set of scheme names used together); empty means public.
	Security [][]string

	Body     any    // JSON request body (a value of the decoded type)
	BodyForm bool   // the same fields also accepted as a URL-encoded form
	Upload   string // multipart/form-data with one file in this field

	Query any // a struct whose `form` tags name the query parameters

	Status   []int  // success statuses; 200 when empty
	Response any    // the JSON type written on success
	Binary   string // content type of a file written on success instead
	Headers  map[string]string
	Errors   []int // error statuses the handler can answer
}

// Info is the document's info object.
type Info struct {
	Title, Version, Description string
	Server                      string // base URL
}

// Options carry what reflection cannot see.
type Options struct {
	// Types overrides the schema of types that encode themselves.
	Types map[reflect.Type]Schema
	// Enums lists the values of string types with a fixed set of values.
	Enums map[reflect.Type][]string
	// Error is the JSON type of every error answer.
	Error any
	// SecuritySchemes is components.securitySchemes.
	SecuritySchemes map[string]any
	// Names overrides the component names of response types.
	Names map[reflect.Type]string
	// Tags describes each operation tag.
	Tags map[string]string
}

// errorText is the Chinese description of each error status.
var errorText = map[int]string{
	http.StatusBadRequest:            "请求格式有误（JSON 或查询参数无法解析）",
	http.StatusUnauthorized:          "未登录或凭据无效",
	http.StatusForbidden:             "没有权限（角色、组织范围或 CSRF 校验）",
	http.StatusNotFound:              "不存在",
	http.StatusConflict:              "与当前状态冲突",
	http.StatusGone:                  "测评已结束或尚未开始",
	http.StatusRequestEntityTooLarge: "提交的内容过大",
	http.StatusUnsupportedMediaType:  "内容类型不对",
	http.StatusUnprocessableEntity:   "校验未通过（fields 列出每一项）",
	http.StatusTooManyRequests:       "操作过于频繁（见 Retry-After）",
	http.StatusServiceUnavailable:    "服务暂时不可用（见 Retry-After）",
}

var successText = map[int]string{
	http.StatusOK:        "成功",
	http.StatusCreated:   "已创建",
	http.StatusAccepted:  "已受理，后台处理中",
	http.StatusNoContent: "成功，无内容",
	http.StatusSeeOther:  "表单提交：跳转（见 Location）",
}

// Document builds the whole document. Paths, schemas and their members
// are maps, so the JSON encoding is in a stable order.
func Document(info Info, ops []Operation, opts Options) map[string]any {
	g := newSchemas(opts)
	errRef := g.of(reflect.TypeOf(opts.Error), response)
	paths := map[string]map[string]any{}
	tags := map[string]bool{}
	for _, op := range ops {
		p := Path(op.Path)
		if paths[p] == nil {
			paths[p] = map[string]any{}
		}
		paths[p][strings.ToLower(op.Method)] = g.operation(op, errRef)
		if op.Tag != "" {
			tags[op.Tag] = true
		}
	}
	var tagList []any
	for _, t := range slices.Sorted(mapKeys(tags)) {
		tagList = append(tagList, map[string]any{"name": t, "description": opts.Tags[t]})
	}
	doc := map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{
			"title": info.Title, "version": info.Version, "description": info.Description,
		},
		"servers":    []any{map[string]any{"url": info.Server}},
		"tags":       tagList,
		"paths":      paths,
		"components": map[string]any{"schemas": g.comps, "securitySchemes": opts.SecuritySchemes},
	}
	return doc
}

func mapKeys[K comparable, V any](m map[K]V) func(func(K) bool) {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func (g *schemas) operation(op Operation, errRef Schema) map[string]any {
	out := map[string]any{
		"summary":     op.Summary,
		"operationId": op.ID,
	}
	if op.ID == "" {
		out["operationId"] = OperationID(op.Method, op.Path)
	}
	if op.Tag != "" {
		out["tags"] = []string{op.Tag}
	}
	if len(op.Roles) > 0 {
		out["x-roles"] = op.Roles
	}
	sec := []any{}
	for _, alt := range op.Security {
		req := map[string][]string{}
		for _, name := range alt {
			req[name] = []string{}
		}
		sec = append(sec, req)
	}
	out["security"] = sec
	params := pathParams(op.Path)
	if op.Query != nil {
		params = append(params, g.queryParams(reflect.TypeOf(op.Query))...)
	}
	if len(params) > 0 {
		out["parameters"] = params
	}
	if body := g.requestBody(op); body != nil {
		out["requestBody"] = body
	}
	responses := map[string]any{}
	status := op.Status
	if len(status) == 0 {
		status = []int{http.StatusOK}
	}
	for _, st := range status {
		responses[strconv.Itoa(st)] = g.success(op, st)
	}
	for _, st := range op.Errors {
		responses[strconv.Itoa(st)] = map[string]any{
			"description": errorText[st],
			"content":     map[string]any{"application/json": map[string]any{"schema": errRef}},
		}
	}
	responses["default"] = map[string]any{
		"description": "其他错误（内部错误不透露细节，带 request_id）",
		"content":     map[string]any{"application/json": map[string]any{"schema": errRef}},
	}
	out["responses"] = responses
	return out
}

func (g *schemas) success(op Operation, status int) map[string]any {
	desc := successText[status]
	if desc == "" {
		desc = "成功"
	}
	r := map[string]any{"description": desc}
	if len(op.Headers) > 0 {
		h := map[string]any{}
		for name, doc := range op.Headers {
			h[name] = map[string]any{"description": doc, "schema": Schema{"type": "string"}}
		}
		r["headers"] = h
	}
	switch {
	case status == http.StatusNoContent || status/100 == 3:
	case op.Binary != "":
		r["content"] = map[string]any{op.Binary: map[string]any{"schema": Schema{"type": "string", "format": "binary"}}}
	case op.Response != nil:
		r["content"] = map[string]any{"application/json": map[string]any{"schema": g.of(reflect.TypeOf(op.Response), response)}}
	}
	return r
}

func (g *schemas) requestBody(op Operation) map[string]any {
	content := map[string]any{}
	if op.Body != nil {
		s := g.of(reflect.TypeOf(op.Body), request)
		content["application/json"] = map[string]any{"schema": s}
		if op.BodyForm {
			content["application/x-www-form-urlencoded"] = map[string]any{"schema": s}
		}
	}
	if op.Upload != "" {
		content["multipart/form-data"] = map[string]any{"schema": Schema{
			"type":       "object",
			"required":   []string{op.Upload},
			"properties": Schema{op.Upload: Schema{"type": "string", "format": "binary"}},
		}}
	}
	if len(content) == 0 {
		return nil
	}
	return map[string]any{"required": true, "content": content}
}

// queryParams describes the fields of a query struct. Tags: form (name,
// and gin's default=), doc (description), binding:"required", minimum
// and maximum.
func (g *schemas) queryParams(t reflect.Type) []any {
	var out []any
	for _, f := range fields(t, "form") {
		name, opts, _ := strings.Cut(f.tag.Get("form"), ",")
		if name == "" {
			name = f.name
		}
		s := g.of(f.typ, request)
		if def, ok := strings.CutPrefix(opts, "default="); ok {
			s["default"] = typed(s, def)
		}
		for _, k := range []string{"minimum", "maximum"} {
			if v := f.tag.Get(k); v != "" {
				s[k] = typed(s, v)
			}
		}
		if vals := f.tag.Get("enum"); vals != "" {
			s["enum"] = strings.Split(vals, ",")
		}
		p := map[string]any{"name": name, "in": "query", "schema": s}
		if doc := f.tag.Get("doc"); doc != "" {
			p["description"] = doc
		}
		if strings.Contains(f.tag.Get("binding"), "required") {
			p["required"] = true
		}
		out = append(out, p)
	}
	return out
}

// QueryNames lists the query parameter names a query struct declares.
func QueryNames(q any) []string {
	if q == nil {
		return nil
	}
	var out []string
	for _, f := range fields(reflect.TypeOf(q), "form") {
		name, _, _ := strings.Cut(f.tag.Get("form"), ",")
		if name == "" {
			name = f.name
		}
		out = append(out, name)
	}
	return out
}

// typed turns a tag value into the JSON type of s.
func typed(s Schema, v string) any {
	switch s["type"] {
	case "integer":
		if n, err := strconv.Atoi(v); err == nil {
			return n
		}
	case "number":
		if n, err := strconv.ParseFloat(v, 64); err == nil {
			return n
		}
	case "boolean":
		if b, err := strconv.ParseBool(v); err == nil {
			return b
		}
	}
	return v
}

// Path turns gin's :name and *name into OpenAPI's {name}.
func Path(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		if strings.HasPrefix(s, ":") || strings.HasPrefix(s, "*") {
			parts[i] = "{" + s[1:] + "}"
		}
	}
	return strings.Join(parts, "/")
}

// PathParams lists the names of a gin path's parameters.
func PathParams(p string) []string {
	var out []string
	for _, s := range strings.Split(p, "/") {
		if strings.HasPrefix(s, ":") {
			out = append(out, s[1:])
		}
	}
	return out
}

func pathParams(p string) []any {
	var out []any
	for _, name := range PathParams(p) {
		out = append(out, map[string]any{"name": name, "in": "path", "required": true, "schema": Schema{"type": "string"}})
	}
	return out
}

// OperationID is method_path with the path's punctuation turned into _.
func OperationID(method, path string) string {
	return strings.ToLower(method) + strings.NewReplacer("/", "_", ":", "", "-", "_", ".", "_").Replace(path)
}
