package reports

import "sort"

// Threshold is the smallest count of people the open data publishes: a cell counting 1 to
// Threshold−1 people is suppressed.
const Threshold = 5

// Policy says how a cell of a table to be published is treated by the suppression.
type Policy uint8

const (
	// Normal cells are published unless suppressed: a count of 1 to Threshold−1 people is
	// suppressed (primary suppression), and other cells are suppressed when needed so that
	// no suppressed count can be worked out (complementary suppression).
	Normal Policy = iota
	// Known cells can be learnt elsewhere (they are public already): they never help hide
	// another cell. A small one is still not shown here.
	Known
	// Hidden cells are never published and cannot be learnt elsewhere.
	Hidden
)

// Grid is a two-way table of counts of people with its margins, as it is to be published.
type Grid struct {
	// Values has R+1 rows of C+1 cells: the last column holds the row totals, the last row
	// the column totals, the last cell the grand total.
	Values [][]int
	Policy [][]Policy
	// InsiderRows says that each row (a member state) may be known whole to someone (its
	// focal point sees their own country's exact figures): the suppression must then hold
	// against anyone who knows any one row.
	InsiderRows bool
}

// NewGrid makes a grid of the interior cells (rows × columns of counts), with the totals
// worked out and the policies given to the row totals, the column totals and the grand total.
func NewGrid(cells [][]int, rowTotals, colTotals, grand Policy) *Grid {
	r := len(cells)
	c := 0
	if r > 0 {
		c = len(cells[0])
	}
	g := &Grid{Values: make([][]int, r+1), Policy: make([][]Policy, r+1)}
	for i := 0; i <= r; i++ {
		g.Values[i] = make([]int, c+1)
		g.Policy[i] = make([]Policy, c+1)
	}
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			v := cells[i][j]
			g.Values[i][j] = v
			g.Values[i][c] += v
			g.Values[r][j] += v
			g.Values[r][c] += v
		}
		g.Policy[i][c] = rowTotals
	}
	for j := 0; j < c; j++ {
		g.Policy[r][j] = colTotals
	}
	g.Policy[r][c] = grand
	return g
}

// Rows and Cols are the numbers of interior rows and columns.
func (g *Grid) Rows() int { return len(g.Values) - 1 }

// Cols is the number of interior columns.
func (g *Grid) Cols() int {
	if len(g.Values) == 0 {
		return 0
	}
	return len(g.Values[0]) - 1
}

// Primary reports whether a cell is sensitive: a published count of 1 to threshold−1.
func (g *Grid) Primary(i, j, threshold int) bool {
	v := g.Values[i][j]
	return g.Policy[i][j] == Normal && v > 0 && v < threshold
}

// Suppress decides which cells are not published: the sensitive ones, Hidden ones, small
// Known ones, and the complementary cells chosen so that no sensitive count can be worked
// out from the published cells and totals — by subtraction along a row or column, or by any
// combination of rows and columns — even by someone who knows one row whole (InsiderRows).
//
// The published cells and the totals tie the unknown cells together by one equation per row
// and column. Seen as a graph whose vertices are the rows and columns and whose edges are
// the unknown cells, a cell's value follows from the equations exactly when its edge lies on
// no cycle (it is a bridge): along a cycle, one can add to a cell and take from the next
// without changing any total. So complementary cells are added, cheapest first (small
// non-zero counts, interior cells before totals), until no sensitive cell is a bridge.
func (g *Grid) Suppress(threshold int) [][]bool {
	R, C := g.Rows(), g.Cols()
	out := make([][]bool, R+1)
	var primary [][2]int
	for i := 0; i <= R; i++ {
		out[i] = make([]bool, C+1)
		for j := 0; j <= C; j++ {
			v := g.Values[i][j]
			switch g.Policy[i][j] {
			case Hidden:
				out[i][j] = true
			case Known:
				out[i][j] = v > 0 && v < threshold
			default:
				if v > 0 && v < threshold {
					out[i][j] = true
					primary = append(primary, [2]int{i, j})
				}
			}
		}
	}
	if len(primary) == 0 {
		return out
	}
	views := []int{-1}
	if g.InsiderRows {
		for i := 0; i < R; i++ {
			views = append(views, i)
		}
	}
	// Adding an unknown cell never turns a cell on a cycle into a bridge, so each view needs
	// fixing once: what later views add keeps the earlier ones safe.
	for _, insider := range views {
		given := map[[2]int]bool{}
		for {
			p, ok := g.exposed(out, primary, insider, given)
			if !ok {
				break
			}
			c, found := g.complement(out, p, insider)
			if !found {
				// Nothing left to hide that would help: the count follows from what is
				// known elsewhere. Stop trying for it in this view.
				given[p] = true
				continue
			}
			out[c[0]][c[1]] = true
		}
	}
	return out
}

// vertex numbers: rows 0..R, columns R+1..R+1+C.
func (g *Grid) col(j int) int { return g.Rows() + 1 + j }

// unknownEdges lists the cells the public cannot see (suppressed Normal cells and Hidden
// ones), without the insider's row.
func (g *Grid) unknownEdges(out [][]bool, insider int) [][2]int {
	var edges [][2]int
	for i := range out {
		if i == insider {
			continue
		}
		for j := range out[i] {
			if out[i][j] && g.Policy[i][j] != Known {
				edges = append(edges, [2]int{i, j})
			}
		}
	}
	return edges
}

// exposed returns a sensitive cell outside the insider's row that can be worked out.
func (g *Grid) exposed(out [][]bool, primary [][2]int, insider int, given map[[2]int]bool) ([2]int, bool) {
	edges := g.unknownEdges(out, insider)
	br := bridges(g.Rows()+g.Cols()+2, edges, g.col)
	for _, p := range primary {
		if p[0] != insider && !given[p] && br[p] {
			return p, true
		}
	}
	return [2]int{}, false
}

// complement picks the cell to suppress so that sensitive cell p lies on a cycle: one that
// joins the two sides that p alone connects; failing that, one that extends a side.
func (g *Grid) complement(out [][]bool, p [2]int, insider int) ([2]int, bool) {
	n := g.Rows() + g.Cols() + 2
	var edges [][2]int
	for _, e := range g.unknownEdges(out, insider) {
		if e != p {
			edges = append(edges, e)
		}
	}
	comp := components(n, edges, g.col)
	a, b := comp[p[0]], comp[g.col(p[1])]
	var join, extend [][2]int
	for i := range out {
		if i == insider {
			continue
		}
		for j := range out[i] {
			if out[i][j] || g.Policy[i][j] != Normal {
				continue
			}
			ci, cj := comp[i], comp[g.col(j)]
			switch {
			case (ci == a && cj == b) || (ci == b && cj == a):
				join = append(join, [2]int{i, j})
			case ci == a || ci == b || cj == a || cj == b:
				extend = append(extend, [2]int{i, j})
			}
		}
	}
	for _, set := range [][][2]int{join, extend} {
		if len(set) > 0 {
			sort.Slice(set, func(x, y int) bool { return g.cheaper(set[x], set[y]) })
			return set[0], true
		}
	}
	return [2]int{}, false
}

// cheaper orders candidate cells: non-zero counts before zeros (a zero hides little),
// smaller counts first, interior cells before totals, then by position.
func (g *Grid) cheaper(x, y [2]int) bool {
	vx, vy := g.Values[x[0]][x[1]], g.Values[y[0]][y[1]]
	if (vx == 0) != (vy == 0) {
		return vx != 0
	}
	if vx != vy {
		return vx < vy
	}
	mx := x[0] == g.Rows() || x[1] == g.Cols()
	my := y[0] == g.Rows() || y[1] == g.Cols()
	if mx != my {
		return !mx
	}
	if x[0] != y[0] {
		return x[0] < y[0]
	}
	return x[1] < y[1]
}

// components labels the vertices of the graph by connected component.
func components(n int, edges [][2]int, col func(int) int) []int {
	adj := make([][]int, n)
	for _, e := range edges {
		u, v := e[0], col(e[1])
		adj[u] = append(adj[u], v)
		adj[v] = append(adj[v], u)
	}
	comp := make([]int, n)
	for i := range comp {
		comp[i] = -1
	}
	label := 0
	for s := 0; s < n; s++ {
		if comp[s] >= 0 {
			continue
		}
		stack := []int{s}
		comp[s] = label
		for len(stack) > 0 {
			u := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for _, v := range adj[u] {
				if comp[v] < 0 {
					comp[v] = label
					stack = append(stack, v)
				}
			}
		}
		label++
	}
	return comp
}

// bridges returns the edges that lie on no cycle (Tarjan's low-link, iteratively).
func bridges(n int, edges [][2]int, col func(int) int) map[[2]int]bool {
	type half struct{ to, id int }
	adj := make([][]half, n)
	for id, e := range edges {
		u, v := e[0], col(e[1])
		adj[u] = append(adj[u], half{v, id})
		adj[v] = append(adj[v], half{u, id})
	}
	disc := make([]int, n)
	low := make([]int, n)
	for i := range disc {
		disc[i] = -1
	}
	out := map[[2]int]bool{}
	t := 0
	type frame struct{ v, parentEdge, next int }
	for s := 0; s < n; s++ {
		if disc[s] >= 0 {
			continue
		}
		disc[s], low[s] = t, t
		t++
		stack := []frame{{v: s, parentEdge: -1}}
		for len(stack) > 0 {
			f := &stack[len(stack)-1]
			if f.next < len(adj[f.v]) {
				h := adj[f.v][f.next]
				f.next++
				if h.id == f.parentEdge {
					continue
				}
				if disc[h.to] < 0 {
					disc[h.to], low[h.to] = t, t
					t++
					stack = append(stack, frame{v: h.to, parentEdge: h.id})
				} else if disc[h.to] < low[f.v] {
					low[f.v] = disc[h.to]
				}
				continue
			}
			stack = stack[:len(stack)-1]
			if len(stack) > 0 {
				p := &stack[len(stack)-1]
				if low[f.v] < low[p.v] {
					low[p.v] = low[f.v]
				}
				if low[f.v] > disc[p.v] {
					out[edges[f.parentEdge]] = true
				}
			}
		}
	}
	return out
}
