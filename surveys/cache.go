package surveys

import (
	"context"
	"sync"
	"time"
)

// SurveySource finds published surveys.
type SurveySource interface {
	Get(ctx context.Context, id string) (*Survey, error)
	GetBySlug(ctx context.Context, slug string) (*Survey, error)
}

// SurveyCache keeps recently read surveys in memory for a short TTL, so a
// burst of 300 submissions reads the definition once, not 300 times. A
// change made elsewhere (closing a survey on another instance) is seen
// within the TTL; the SurveyStore that made it (SurveyStore.Cache) forgets
// a survey it changed in this process at once.
type SurveyCache struct {
	src SurveySource
	ttl time.Duration
	now func() time.Time

	mu     sync.Mutex
	byID   map[string]cached
	bySlug map[string]cached
}

type cached struct {
	s       *Survey
	expires time.Time
}

// NewSurveyCache caches src for ttl.
func NewSurveyCache(src SurveySource, ttl time.Duration, now func() time.Time) *SurveyCache {
	return &SurveyCache{src: src, ttl: ttl, now: now, byID: map[string]cached{}, bySlug: map[string]cached{}}
}

// Get returns the survey with id.
func (c *SurveyCache) Get(ctx context.Context, id string) (*Survey, error) {
	return c.get(ctx, c.byID, id, c.src.Get)
}

// GetBySlug returns the survey with slug.
func (c *SurveyCache) GetBySlug(ctx context.Context, slug string) (*Survey, error) {
	return c.get(ctx, c.bySlug, slug, c.src.GetBySlug)
}

func (c *SurveyCache) get(ctx context.Context, m map[string]cached, key string, load func(context.Context, string) (*Survey, error)) (*Survey, error) {
	now := c.now()
	c.mu.Lock()
	e, ok := m[key]
	c.mu.Unlock()
	if ok && now.Before(e.expires) {
		return e.s, nil
	}
	s, err := load(ctx, key)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(m) > 10000 { // bound memory; surveys are few, keys may be probed
		clear(m)
	}
	m[key] = cached{s: s, expires: now.Add(c.ttl)}
	return s, nil
}

// Forget drops a survey so the next read sees its latest state.
func (c *SurveyCache) Forget(s *Survey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.byID, s.ID)
	if s.Slug != "" {
		delete(c.bySlug, s.Slug)
	}
}

// surveyCaches are the caches over one SurveyStore, which forgets a survey
// in each of them when it changes it.
type surveyCaches struct {
	mu  sync.Mutex
	all []*SurveyCache
}

// Cache returns a new cache over s for ttl, owned by s: every change s makes
// to a survey (an edit, a publish, a close, a delete) drops it from the
// cache, so this process sees it at once.
func (s *SurveyStore) Cache(ttl time.Duration) *SurveyCache {
	c := NewSurveyCache(s, ttl, s.now)
	s.caches.mu.Lock()
	defer s.caches.mu.Unlock()
	s.caches.all = append(s.caches.all, c)
	return c
}

// forget drops a changed survey from the caches s owns.
func (s *SurveyStore) forget(sv *Survey) {
	s.caches.mu.Lock()
	defer s.caches.mu.Unlock()
	for _, c := range s.caches.all {
		c.Forget(sv)
	}
}
