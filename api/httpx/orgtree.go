package httpx

import "minyi/surveys"

// OrgNode is an org with its children, for the tree.
type OrgNode struct {
	surveys.Org
	Children []*OrgNode `json:"children"`
}

// NewOrgTree nests the orgs under their parents, children in the order of
// all; an org whose parent is not in all is a root. The API and the
// /admin/orgs page share it.
func NewOrgTree(all []surveys.Org) []*OrgNode {
	nodes := make(map[string]*OrgNode, len(all))
	for _, o := range all {
		nodes[o.ID] = &OrgNode{Org: o, Children: []*OrgNode{}}
	}
	roots := []*OrgNode{}
	for _, o := range all {
		if p, ok := nodes[o.ParentID]; ok {
			p.Children = append(p.Children, nodes[o.ID])
		} else {
			roots = append(roots, nodes[o.ID])
		}
	}
	return roots
}

// TreeNode is an org in tree order with its depth (0 for a root).
type TreeNode struct {
	*OrgNode
	Depth int
}

// TreeOrder flattens the tree: each org followed by its subtree, as
// pickers, the builder and the roster template list them.
func TreeOrder(roots []*OrgNode) []TreeNode {
	var out []TreeNode
	var walk func(ns []*OrgNode, depth int)
	walk = func(ns []*OrgNode, depth int) {
		for _, n := range ns {
			out = append(out, TreeNode{n, depth})
			walk(n.Children, depth+1)
		}
	}
	walk(roots, 0)
	return out
}
