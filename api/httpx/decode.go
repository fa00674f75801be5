package httpx

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"minyi"
)

// DecodeJSON reads the body into v strictly: JSON content type only, no
// unknown fields, no trailing data, and each failure mapped to the status
// API.md gives it (400 malformed, 413 too large, 415 wrong type, 422 wrong
// field or type). Operator objects such as {"$gt": ""} never reach the
// store: they fail to decode into the string fields they stand in for.
func DecodeJSON(c *gin.Context, v any) error {
	ct := c.GetHeader("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || mt != "application/json" {
		return minyi.E(minyi.ErrUnsupportedMedia, "unsupported_media_type", "请以 JSON 格式（Content-Type: application/json）提交")
	}
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return minyi.E(minyi.ErrTooLarge, "body_too_large", "提交的内容过大")
		}
		return minyi.E(minyi.ErrBadRequest, "bad_body", "无法读取提交的内容")
	}
	return DecodeBytes(body, v)
}

// DecodeBytes is DecodeJSON without the HTTP parts, for fuzzing and reuse.
func DecodeBytes(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return minyi.E(minyi.ErrBadRequest, "empty_body", "提交的内容为空")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if dec.More() {
		return minyi.E(minyi.ErrBadRequest, "malformed_json", "JSON 格式有误：内容后有多余数据")
	}
	var extra json.RawMessage
	if err := dec.Decode(&extra); err != io.EOF {
		return minyi.E(minyi.ErrBadRequest, "malformed_json", "JSON 格式有误：内容后有多余数据")
	}
	return nil
}

func jsonError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return minyi.E(minyi.ErrBadRequest, "malformed_json", "JSON 格式有误")
	case errors.As(err, &typ):
		var fe minyi.FieldErrors
		field := typ.Field
		if field == "" {
			field = "(body)"
		}
		fe.Addf(field, "invalid_type", "类型错误：应为%s", jsonTypeName(typ.Type.Kind().String()))
		return fe.Err()
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		var fe minyi.FieldErrors
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		fe.Add(name, "unknown_field", "不认识的字段")
		return fe.Err()
	}
	var fe minyi.FieldErrors
	fe.Add("(body)", "invalid", "内容无法识别")
	return fe.Err()
}

func jsonTypeName(kind string) string {
	switch kind {
	case "string":
		return "字符串"
	case "bool":
		return "布尔值"
	case "slice", "array":
		return "数组"
	case "struct", "map":
		return "对象"
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "float32", "float64":
		return "数字"
	}
	return kind
}
