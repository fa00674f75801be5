package feedback

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"minyi"
)

// The category catalogue (问题分类): what a matter is about, up to three
// levels (城市管理 › 市容环境 › 路灯). An order carries the key path of one
// node ("city/environment/lights"). The catalogue is one document by _id in
// the settings collection, read through an in-memory copy that this process
// replaces when it writes and re-reads after categoryTTL (another instance's
// change shows within that).

const (
	collSettings  = "work_order_settings"
	categoriesID  = "categories"
	categoryTTL   = 30 * time.Second
	maxCategories = 500
	// OtherCategory is the key of 其他, given to an order entered without one.
	OtherCategory = "other"
)

// Category is one node of the catalogue.
type Category struct {
	Key      string     `bson:"key" json:"key"`
	Label    string     `bson:"label" json:"label"`
	Children []Category `bson:"children,omitempty" json:"children"`
}

// CategoryPath is a node with its full key path and labels, for pickers.
type CategoryPath struct {
	Path  string // city/environment/lights
	Label string // 城市管理 › 市容环境 › 路灯
	Depth int    // 1 to 3
}

// Catalogue is a validated catalogue with its paths.
type Catalogue struct {
	Tree   []Category
	Paths  []CategoryPath // depth-first, in the tree's order
	labels map[string]string
}

// Label is the full label of a path ("" when unknown).
func (c *Catalogue) Label(path string) string { return c.labels[path] }

// Has reports whether path names a node.
func (c *Catalogue) Has(path string) bool { _, ok := c.labels[path]; return ok }

var categoryKey = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,31}$`)

// NewCatalogue checks tree: keys of lower-case letters, digits, _ and -,
// unique among siblings; labels in 1–30 characters; three levels at most.
func NewCatalogue(tree []Category) (*Catalogue, error) {
	c := &Catalogue{Tree: tree, labels: map[string]string{}}
	var fe minyi.FieldErrors
	var walk func(nodes []Category, prefix, label, field string, depth int)
	walk = func(nodes []Category, prefix, label, field string, depth int) {
		seen := map[string]bool{}
		for i := range nodes {
			n := &nodes[i]
			f := fmt.Sprintf("%s[%d]", field, i)
			n.Key, n.Label = strings.TrimSpace(n.Key), strings.TrimSpace(n.Label)
			switch {
			case !categoryKey.MatchString(n.Key):
				fe.Add(f+".key", "invalid", "分类代码应为小写字母、数字、下划线或连字符（最多32位）")
			case seen[n.Key]:
				fe.Add(f+".key", "duplicate", "同一级分类的代码不能重复："+n.Key)
			}
			seen[n.Key] = true
			if l := utf8.RuneCountInString(n.Label); l == 0 || l > 30 {
				fe.Add(f+".label", "invalid", "分类名称应为1到30个字")
			}
			path, full := n.Key, n.Label
			if prefix != "" {
				path, full = prefix+"/"+n.Key, label+" › "+n.Label
			}
			c.Paths = append(c.Paths, CategoryPath{Path: path, Label: full, Depth: depth})
			c.labels[path] = full
			if len(n.Children) > 0 && depth == 3 {
				fe.Add(f+".children", "too_deep", "分类最多三级")
				continue
			}
			walk(n.Children, path, full, f+".children", depth+1)
		}
	}
	walk(c.Tree, "", "", "categories", 1)
	if len(c.Paths) > maxCategories {
		fe.Addf("categories", "too_many", "分类不能超过%d项", maxCategories)
	}
	if len(c.Tree) == 0 {
		fe.Add("categories", "required", "至少需要一个分类")
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	return c, nil
}

// Categories keeps the catalogue.
type Categories struct {
	db    *mongo.Database
	now   func() time.Time
	audit minyi.Auditor

	mu     sync.Mutex
	cached *Catalogue
	at     time.Time
}

// NewCategories keeps the catalogue in db.
func NewCategories(db *mongo.Database, now func() time.Time, audit minyi.Auditor) *Categories {
	return &Categories{db: db, now: now, audit: audit}
}

type categoriesDoc struct {
	ID   string     `bson:"_id"`
	Tree []Category `bson:"tree"`
	At   time.Time  `bson:"at"`
}

// Get returns the catalogue: the stored one, or DefaultCategories.
func (c *Categories) Get(ctx context.Context) (*Catalogue, error) {
	c.mu.Lock()
	if c.cached != nil && c.now().Sub(c.at) < categoryTTL {
		defer c.mu.Unlock()
		return c.cached, nil
	}
	c.mu.Unlock()
	var d categoriesDoc
	err := c.db.Collection(collSettings).FindOne(ctx, bson.D{{Key: "_id", Value: categoriesID}}).Decode(&d)
	tree := d.Tree
	switch {
	case errors.Is(err, mongo.ErrNoDocuments):
		tree = DefaultCategories()
	case err != nil:
		return nil, fmt.Errorf("read categories: %w", err)
	}
	cat, err := NewCatalogue(tree)
	if err != nil {
		return nil, fmt.Errorf("stored categories: %w", err)
	}
	c.mu.Lock()
	c.cached, c.at = cat, c.now()
	c.mu.Unlock()
	return cat, nil
}

// Put replaces the catalogue (admins). Orders keep the paths they carry;
// a path no longer in the catalogue shows as its key.
func (c *Categories) Put(ctx context.Context, tree []Category) (*Catalogue, error) {
	if _, err := minyi.Require(ctx); err != nil {
		return nil, err
	}
	cat, err := NewCatalogue(tree)
	if err != nil {
		return nil, err
	}
	_, err = c.db.Collection(collSettings).ReplaceOne(ctx, bson.D{{Key: "_id", Value: categoriesID}},
		categoriesDoc{ID: categoriesID, Tree: cat.Tree, At: c.now().UTC()}, options.Replace().SetUpsert(true))
	if err != nil {
		return nil, fmt.Errorf("save categories: %w", err)
	}
	c.mu.Lock()
	c.cached, c.at = cat, c.now()
	c.mu.Unlock()
	c.audit.Audit(ctx, minyi.AuditRecord{Action: "work_order.categories", ObjectType: "work_order_categories", ObjectID: categoriesID,
		Summary: fmt.Sprintf("修改工单问题分类（%d项）", len(cat.Paths))})
	return cat, nil
}

// resolve checks an order's category against the catalogue: "" becomes
// 其他 when the catalogue has it.
func (c *Categories) resolve(ctx context.Context, path string) (string, error) {
	cat, err := c.Get(ctx)
	if err != nil {
		return "", err
	}
	path = strings.Trim(strings.TrimSpace(path), "/")
	if path == "" {
		if cat.Has(OtherCategory) {
			return OtherCategory, nil
		}
		return "", nil
	}
	if !cat.Has(path) {
		var fe minyi.FieldErrors
		fe.Add("category", "unknown", "问题分类不存在，请从分类目录中选择")
		return "", fe.Err()
	}
	return path, nil
}
