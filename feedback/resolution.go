package feedback

// Resolution is whether the caller says the matter was solved, asked at the
// callback beside the satisfaction (API.md "Second round"): the 解决率 of
// the 三率 assessment counts it.
type Resolution string

// The resolutions of API.md.
const (
	Resolved   Resolution = "resolved"
	Partly     Resolution = "partly"
	Unresolved Resolution = "unresolved"
)

// Resolutions lists every resolution in display order.
var Resolutions = []Resolution{Resolved, Partly, Unresolved}

// Label is the Chinese name of the resolution.
func (r Resolution) Label() string {
	switch r {
	case Resolved:
		return "已解决"
	case Partly:
		return "部分解决"
	case Unresolved:
		return "未解决"
	}
	return string(r)
}

// Valid reports whether r is known.
func (r Resolution) Valid() bool { return r.Label() != string(r) }

// Verdict is the standing callback as one phrase for a ledger cell or a
// card ("满意 · 已解决"), "" before any callback stands.
func (o *Order) Verdict() string {
	switch {
	case o.Satisfaction == "" && o.Resolution == "":
		return ""
	case o.Resolution == "":
		return o.Satisfaction.Label()
	case o.Satisfaction == "":
		return o.Resolution.Label()
	}
	return o.Satisfaction.Label() + " · " + o.Resolution.Label()
}
