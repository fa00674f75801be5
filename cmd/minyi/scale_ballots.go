package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"minyi/surveys"
)

// The scale bench's ballots: submitted through HTTP, against the raw
// insertMany of the same documents, and the results after more of them.

// rawBatch is the batcher's largest batch (surveys.BatcherConfig.MaxBatch).
const rawBatch = 256

// seedBallots submits the surveys' ballots through HTTP with concurrent
// clients and measures the store's raw unordered insertMany on the same
// documents.
func (b *scaleBench) seedBallots(ctx context.Context) error {
	var err error
	if b.ballotRate, b.ballotP99, err = b.submitMany(ctx, b.s30, b.cfg.ballots, b.cfg.clients); err != nil {
		return err
	}
	if b.rawRate, err = b.rawInsert(ctx, b.s30, min(b.cfg.ballots, 20000), rawBatch, 2); err != nil {
		return err
	}
	if b.rawFill, err = b.rawInsert(ctx, b.s30, min(b.cfg.ballots, 20000), b.cfg.clients, 1); err != nil {
		return err
	}
	if b.smallRate, b.smallP99, err = b.submitMany(ctx, b.s4, b.cfg.small, b.cfg.clients); err != nil {
		return err
	}
	if b.smallRaw, err = b.rawInsert(ctx, b.s4, min(b.cfg.small, 20000), rawBatch, 2); err != nil {
		return err
	}
	if b.smallFill, err = b.rawInsert(ctx, b.s4, min(b.cfg.small, 20000), b.cfg.clients, 1); err != nil {
		return err
	}
	for i, code := range b.codes[:40] {
		if _, err := b.post(b.tokens[""], "/api/v1/public/surveys/"+b.a40.Slug+"/ballots", b.appraisalBallot(i, code), http.StatusCreated); err != nil {
			return err
		}
	}
	return nil
}

func (b *scaleBench) submitMany(ctx context.Context, sv *surveys.Survey, n, clients int) (float64, time.Duration, error) {
	path := "/api/v1/public/surveys/" + sv.Slug + "/ballots"
	lat := make([]time.Duration, n)
	var done atomic.Int64
	start := time.Now()
	stop := make(chan struct{})
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				d := done.Load()
				b.logf("ballots %s: %d/%d, %.0f/s", sv.Title, d, n, float64(d)/time.Since(start).Seconds())
			}
		}
	}()
	err := parallel(clients, n, func(i int) error {
		body := b.satisfactionBallot(sv, int(b.ballotSeq.Add(1)))
		t0 := time.Now()
		_, err := b.post("", path, body, http.StatusCreated)
		lat[i] = time.Since(t0)
		done.Add(1)
		return err
	})
	close(stop)
	el := time.Since(start)
	fmt.Fprintln(b.progress)
	if err != nil {
		return 0, 0, err
	}
	slices.Sort(lat)
	return float64(n) / el.Seconds(), lat[n*99/100], nil
}

// rawInsert inserts n of the survey's stored ballots again (new ids) with
// unordered insertMany of batch documents, writers at once, into a
// collection with the ballots' indexes. The ceiling the target compares
// with is rawBatch (the batcher's most) two at a time; batches of the
// client count one at a time are the most the group commit can form with
// that many clients each waiting for its answer.
func (b *scaleBench) rawInsert(ctx context.Context, sv *surveys.Survey, n, batch, writers int) (float64, error) {
	var docs []surveys.Ballot
	err := b.a.Ballots.Scan(ctx, sv.ID, func(bl *surveys.Ballot) error {
		if len(docs) < n {
			c := *bl
			c.ID = "raw:" + c.ID
			c.CodeHash = ""
			docs = append(docs, c)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	db := b.a.Store.Client.Database(b.a.Store.DB.Name() + "_raw")
	defer db.Drop(context.WithoutCancel(ctx))
	if err := b.a.Store.EnsureIndexes(ctx, db, surveys.BallotIndexes()); err != nil {
		return 0, err
	}
	coll := db.Collection("ballots")
	start := time.Now()
	err = parallel(writers, (len(docs)+batch-1)/batch, func(i int) error {
		part := docs[i*batch : min(len(docs), (i+1)*batch)]
		in := make([]any, len(part))
		for j := range part {
			in[j] = part[j]
		}
		_, err := coll.InsertMany(ctx, in, options.InsertMany().SetOrdered(false))
		return err
	})
	if err != nil {
		return 0, err
	}
	return float64(len(docs)) / time.Since(start).Seconds(), nil
}

// resultsVsRebuild: 1,000 more ballots, then the results (which wait for
// their fold), against a full rebuild of the survey.
func (b *scaleBench) resultsVsRebuild(ctx context.Context) error {
	if _, _, err := b.submitMany(ctx, b.s30, 1000, b.cfg.clients); err != nil {
		return err
	}
	t0 := time.Now()
	body, err := b.get(b.tokens["admin"], "/api/v1/surveys/"+b.s30.ID+"/results")
	if err != nil {
		return err
	}
	b.incremental = time.Since(t0)
	var res struct {
		Ballots struct {
			Total int64 `json:"total"`
		} `json:"ballots"`
	}
	_ = json.Unmarshal(body, &res)
	t0 = time.Now()
	if _, err := b.post(b.tokens["admin"], "/api/v1/surveys/"+b.s30.ID+"/results/rebuild", nil, http.StatusOK); err != nil {
		return err
	}
	b.rebuild = time.Since(t0)
	return nil
}

func (b *scaleBench) satisfactionBallot(sv *surveys.Survey, i int) []byte {
	opts := []string{"satisfied", "satisfied", "basic", "unsatisfied", "unknown"}
	var answers []surveys.Answer
	for qi, q := range sv.Questions {
		if !q.PerSubject {
			continue
		}
		for si, s := range sv.Subjects {
			answers = append(answers, surveys.Answer{Question: q.Key, Subject: s.ID, Option: opts[(i*7+qi*3+si)%len(opts)]})
		}
	}
	group := "masses"
	if i%3 == 0 {
		group = "members"
	}
	body, _ := json.Marshal(map[string]any{"submission_id": fmt.Sprintf("scale-%09d", i), "rater_group": group, "answers": answers})
	return body
}

func (b *scaleBench) appraisalBallot(i int, code string) []byte {
	grades := []string{"qualified", "qualified", "excellent", "basic"}
	var answers []surveys.Answer
	for si, s := range b.a40.Subjects {
		g := grades[(i+si)%len(grades)]
		answers = append(answers, surveys.Answer{Question: "grade", Subject: s.ID, Option: g})
	}
	body, _ := json.Marshal(map[string]any{"submission_id": fmt.Sprintf("appraisal-%04d", i), "code": code, "answers": answers})
	return body
}

// measure times every page and endpoint, then the three writes.
