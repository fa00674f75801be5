package surveys

import (
	"fmt"
	"unicode/utf8"

	"minyi"
)

// checkPerSubject: only single questions are asked per subject (the matrix
// rows of a ballot), and only those carry a dimension and a weight.
func checkPerSubject(fe *minyi.FieldErrors, p string, q *Question) {
	if q.PerSubject && q.Type != QSingle {
		fe.Add(p+".per_subject", "not_allowed", "只有单选题可以逐个评价测评对象")
	}
	if q.Dimension != "" && !q.PerSubject {
		fe.Add(p+".dimension", "not_allowed", "只有逐个评价的题目可以设置测评维度")
	}
	if utf8.RuneCountInString(q.Dimension) > 50 {
		fe.Add(p+".dimension", "too_long", "测评维度不能超过50个字")
	}
	if q.Weight != nil {
		switch {
		case !q.PerSubject || !q.Scored():
			fe.Add(p+".weight", "not_allowed", "只有逐个评价且计分的题目可以设置权重")
		case *q.Weight <= 0 || *q.Weight > 100:
			fe.Add(p+".weight", "out_of_range", "题目权重应大于0且不超过100")
		}
	}
}

func checkOptions(fe *minyi.FieldErrors, p string, q *Question) {
	switch {
	case len(q.Options) < 2:
		fe.Add(p+".options", "too_few", "请至少设置两个选项")
	case len(q.Options) > MaxOptions:
		fe.Addf(p+".options", "too_many", "选项最多%d个", MaxOptions)
	}
	scored, abstains := q.Scored(), 0
	seen := map[string]int{}
	for j, o := range q.Options {
		op := fmt.Sprintf("%s.options[%d]", p, j)
		keyField(fe, op+".key", o.Key, seen, j)
		fe.Text(op+".label", &q.Options[j].Label, false)
		textField(fe, op+".label", o.Label, true, 100, "选项文字")
		if q.Type == QMultiple {
			// Scores, satisfaction and abstention feed the per-subject
			// scoring of single questions; on a multiple question they
			// would be silently ignored, so say so.
			if o.Score != nil || o.Satisfied || o.Abstain {
				fe.Add(op+".score", "not_allowed", "多选题的选项不计分，也不设“满意”“不了解”")
			}
			continue
		}
		if o.Abstain {
			abstains++
		}
		switch {
		case o.Abstain && o.Score != nil:
			fe.Add(op+".score", "abstain_scored", "“不了解”一类的弃权选项不能计分")
		case o.Score != nil && (*o.Score < 0 || *o.Score > 100):
			fe.Add(op+".score", "out_of_range", "分值应在0到100之间")
		case scored && !o.Abstain && o.Score == nil:
			fe.Add(op+".score", "score_required", "计分题的每个选项（弃权选项除外）都要设分值")
		}
		if o.Abstain && o.Satisfied {
			fe.Add(op+".satisfied", "abstain_satisfied", "弃权选项不能算作满意")
		}
	}
	if len(q.Options) > 0 && abstains == len(q.Options) {
		fe.Add(p+".options", "all_abstain", "选项不能全是弃权选项")
	}
	if q.Type == QMultiple {
		checkChoiceCounts(fe, p, q)
	}
}

func checkChoiceCounts(fe *minyi.FieldErrors, p string, q *Question) {
	n := len(q.Options)
	lo, hi := 0, n
	if q.Min != nil {
		lo = *q.Min
		switch {
		case lo < 0:
			fe.Add(p+".min", "out_of_range", "最少选择数不能为负数")
		case lo > n:
			fe.Addf(p+".min", "exceeds_options", "最少选择数不能超过选项数（%d）", n)
		}
	}
	if q.Max != nil {
		hi = *q.Max
		switch {
		case hi < 1:
			fe.Add(p+".max", "out_of_range", "最多选择数至少为1")
		case hi > n:
			fe.Addf(p+".max", "exceeds_options", "最多选择数不能超过选项数（%d）", n)
		}
	}
	if lo > hi {
		fe.Add(p+".min", "min_gt_max", "最少选择数不能大于最多选择数")
	}
}

func checkScale(fe *minyi.FieldErrors, p string, q *Question) {
	if q.Min == nil {
		fe.Add(p+".min", "required", "打分题请设置最低分")
	}
	if q.Max == nil {
		fe.Add(p+".max", "required", "打分题请设置最高分")
	}
	if q.Min == nil || q.Max == nil {
		return
	}
	switch lo, hi := *q.Min, *q.Max; {
	case lo >= hi:
		fe.Add(p+".min", "min_gt_max", "最低分应小于最高分")
	case lo < -MaxScaleSpan || hi > 10*MaxScaleSpan || hi-lo > MaxScaleSpan:
		fe.Addf(p+".max", "out_of_range", "打分范围应在-100到1000之间，且最高分与最低分之差不超过%d", MaxScaleSpan)
	}
}
