package exports_test

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"minyi/exports"
	"minyi/surveys"
)

// benchSurvey: 5 members × 2 per-subject questions, a scale and a text
// question, so 原始答卷 has 6 + 12 columns.
func benchSurvey() *surveys.Survey {
	s := scoreSurvey("基准")
	s.Subjects = nil
	for i := range 5 {
		s.Subjects = append(s.Subjects, surveys.Subject{Type: "member", ID: "m" + strconv.Itoa(i), Name: "党员" + strconv.Itoa(i)})
	}
	s.Questions = []surveys.Question{
		s.Questions[0],
		{Key: "q5", Type: surveys.QSingle, Title: "遵守纪律", PerSubject: true, Options: s.Questions[0].Options},
		s.Questions[1], s.Questions[3],
	}
	return s
}

var benchOptions = []string{"a", "b", "c", "d"}

// genBallot fills b with ballot i, deterministically, reusing its memory:
// the ballots are generated, never held, so memory measures the export.
func genBallot(i int, b *surveys.Ballot, subjects []surveys.Subject) {
	b.ID = fmt.Sprintf("B%07d", i)
	b.Channel, b.RaterGroup, b.Valid, b.Reason = surveys.ChannelWeb, "masses", i%50 != 0, ""
	if !b.Valid {
		b.Reason = "所有对象选择了相同选项"
	}
	b.CreatedAt = genAt.Add(time.Duration(i) * time.Second)
	b.Answers = b.Answers[:0]
	for j, s := range subjects {
		b.Answers = append(b.Answers,
			surveys.Answer{Question: "q1", Subject: s.ID, Option: benchOptions[(i+j)%4]},
			surveys.Answer{Question: "q5", Subject: s.ID, Option: benchOptions[(i+2*j)%4]})
	}
	v := i % 11
	b.Answers = append(b.Answers, surveys.Answer{Question: "q2", Value: &v})
	if i%10 == 0 {
		b.Answers = append(b.Answers, surveys.Answer{Question: "q4", Text: "希望多开展志愿服务活动"})
	}
}

func genBallots(n int, subjects []surveys.Subject) func(func(*surveys.Ballot) error) error {
	return func(fn func(*surveys.Ballot) error) error {
		var b surveys.Ballot
		for i := range n {
			genBallot(i, &b, subjects)
			if err := fn(&b); err != nil {
				return err
			}
		}
		return nil
	}
}

// peakHeap samples the heap's live objects while a run lasts.
type peakHeap struct {
	stop chan struct{}
	wg   sync.WaitGroup
	peak uint64
	base uint64
}

const heapMetric = "/memory/classes/heap/objects:bytes"

func startPeak() *peakHeap {
	runtime.GC()
	p := &peakHeap{stop: make(chan struct{})}
	s := []metrics.Sample{{Name: heapMetric}}
	metrics.Read(s)
	p.base = s[0].Value.Uint64()
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			p.peak = max(p.peak, s[0].Value.Uint64())
			select {
			case <-p.stop:
				return
			case <-t.C:
			}
		}
	}()
	return p
}

// growthMB is the peak heap above the heap before the run, in MB.
func (p *peakHeap) growthMB() float64 {
	close(p.stop)
	p.wg.Wait()
	if p.peak < p.base {
		return 0
	}
	return float64(p.peak-p.base) / (1 << 20)
}

// BenchmarkRawBallots writes the 原始答卷 sheet for 10k, 100k and 1M
// generated ballots with exports.WriteBallots ("minyi") and, for
// comparison, the same cells with a bare excelize StreamWriter ("bare"),
// reporting rows/s and the peak heap growth. README records the figures:
//
//	go test ./exports/ -run '^$' -bench RawBallots -benchtime 1x -timeout 60m
func BenchmarkRawBallots(b *testing.B) {
	s := benchSurvey()
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		b.Run("minyi/"+strconv.Itoa(n), func(b *testing.B) {
			p := startPeak()
			for b.Loop() {
				err := exports.WriteBallots(context.Background(), io.Discard, exports.BallotsWorkbook{
					Survey: s, Ballots: genBallots(n, s.Subjects), TmpDir: b.TempDir(),
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(p.growthMB(), "peak-heap-MB")
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
		b.Run("bare/"+strconv.Itoa(n), func(b *testing.B) {
			p := startPeak()
			for b.Loop() {
				if err := bareBallots(n, s, b.TempDir()); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(p.growthMB(), "peak-heap-MB")
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// bareBallots writes the same cells as 原始答卷 with nothing but a
// StreamWriter: the same styles, the header, then rows whose values are
// computed the cheapest way (the answer labels looked up by position).
func bareBallots(n int, s *surveys.Survey, tmp string) error {
	f := excelize.NewFile(excelize.Options{TmpDir: tmp})
	defer f.Close()
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49})
	if err != nil {
		return err
	}
	format := "yyyy-mm-dd hh:mm:ss"
	tm, err := f.NewStyle(&excelize.Style{CustomNumFmt: &format})
	if err != nil {
		return err
	}
	num, err := f.NewStyle(&excelize.Style{NumFmt: 1})
	if err != nil {
		return err
	}
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	cols := 6 + 2*len(s.Subjects) + 2
	head := make([]any, cols)
	for i := range head {
		head[i] = excelize.Cell{StyleID: text, Value: "列" + strconv.Itoa(i)}
	}
	if err := sw.SetRow("A2", head); err != nil {
		return err
	}
	labels := map[string]string{}
	for _, o := range s.Questions[0].Options {
		labels[o.Key] = o.Label
	}
	row := make([]any, cols)
	var b surveys.Ballot
	for i := range n {
		genBallot(i, &b, s.Subjects)
		clear(row)
		valid := "是"
		if !b.Valid {
			valid = "否"
		}
		row[0], row[1] = excelize.Cell{StyleID: text, Value: b.ID}, excelize.Cell{StyleID: tm, Value: b.CreatedAt}
		row[2], row[3] = excelize.Cell{StyleID: text, Value: "网上"}, excelize.Cell{StyleID: text, Value: "群众"}
		row[4], row[5] = excelize.Cell{StyleID: text, Value: valid}, excelize.Cell{StyleID: text, Value: b.Reason}
		for j, a := range b.Answers {
			switch {
			case a.Value != nil:
				row[6+j] = excelize.Cell{StyleID: num, Value: *a.Value}
			case a.Text != "":
				row[6+j] = excelize.Cell{StyleID: text, Value: a.Text}
			default:
				row[6+j] = excelize.Cell{StyleID: text, Value: labels[a.Option]}
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+3)
		if err := sw.SetRow(cell, row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(io.Discard)
}
