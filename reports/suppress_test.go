package reports

import (
	"math"
	"math/rand"
	"testing"
)

// determinable reports whether cell (pi, pj) of the grid can be worked out exactly from
// what is published (cells not in mask, Known cells) and from the insider's row (when
// insider ≥ 0), using every row and column equation at once. It is an independent check of
// Grid.Suppress: plain linear algebra (rank of the equations with and without the cell's
// unit vector), not the graph argument the suppression relies on.
func determinable(g *Grid, mask [][]bool, insider, pi, pj int) bool {
	R, C := g.Rows(), g.Cols()
	unknown := map[[2]int]int{}
	for i := 0; i <= R; i++ {
		for j := 0; j <= C; j++ {
			if mask[i][j] && g.Policy[i][j] != Known && i != insider {
				unknown[[2]int{i, j}] = len(unknown)
			}
		}
	}
	if _, ok := unknown[[2]int{pi, pj}]; !ok {
		return true
	}
	n := len(unknown)
	var rows [][]float64
	add := func(cells [][2]int, signs []float64) {
		r := make([]float64, n)
		any := false
		for k, c := range cells {
			if u, ok := unknown[c]; ok {
				r[u] += signs[k]
				any = true
			}
		}
		if any {
			rows = append(rows, r)
		}
	}
	for i := 0; i <= R; i++ {
		var cells [][2]int
		var signs []float64
		for j := 0; j < C; j++ {
			cells, signs = append(cells, [2]int{i, j}), append(signs, 1)
		}
		add(append(cells, [2]int{i, C}), append(signs, -1))
	}
	for j := 0; j <= C; j++ {
		var cells [][2]int
		var signs []float64
		for i := 0; i < R; i++ {
			cells, signs = append(cells, [2]int{i, j}), append(signs, 1)
		}
		add(append(cells, [2]int{R, j}), append(signs, -1))
	}
	unit := make([]float64, n)
	unit[unknown[[2]int{pi, pj}]] = 1
	return rank(rows) == rank(append(append([][]float64{}, rows...), unit))
}

func rank(m [][]float64) int {
	a := make([][]float64, len(m))
	for i := range m {
		a[i] = append([]float64(nil), m[i]...)
	}
	r := 0
	if len(a) == 0 {
		return 0
	}
	cols := len(a[0])
	for c := 0; c < cols && r < len(a); c++ {
		p := -1
		for i := r; i < len(a); i++ {
			if math.Abs(a[i][c]) > 1e-9 && (p < 0 || math.Abs(a[i][c]) > math.Abs(a[p][c])) {
				p = i
			}
		}
		if p < 0 {
			continue
		}
		a[r], a[p] = a[p], a[r]
		for i := range a {
			if i != r && math.Abs(a[i][c]) > 1e-9 {
				f := a[i][c] / a[r][c]
				for k := c; k < cols; k++ {
					a[i][k] -= f * a[r][k]
				}
			}
		}
		r++
	}
	return r
}

// TestSuppressionCannotBeUndone builds many random tables of small counts and checks, with
// linear algebra, that no suppressed small count can be worked out from what is published —
// also by someone who knows one row whole — whenever hiding cells can protect it at all.
func TestSuppressionCannotBeUndone(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	policies := [][3]Policy{{Known, Known, Known}, {Hidden, Known, Known}, {Known, Hidden, Known},
		{Normal, Hidden, Hidden}, {Hidden, Known, Known}, {Normal, Normal, Normal}}
	checked := 0
	for n := 0; n < 600; n++ {
		R, C := 1+rng.Intn(6), 1+rng.Intn(5)
		cells := make([][]int, R)
		for i := range cells {
			cells[i] = make([]int, C)
			for j := range cells[i] {
				switch rng.Intn(4) {
				case 0:
					cells[i][j] = 0
				case 1:
					cells[i][j] = 1 + rng.Intn(4)
				default:
					cells[i][j] = rng.Intn(30)
				}
			}
		}
		p := policies[rng.Intn(len(policies))]
		g := NewGrid(cells, p[0], p[1], p[2])
		g.InsiderRows = rng.Intn(2) == 0
		mask := g.Suppress(Threshold)
		// Everything hidden: what is protected then could have been protected.
		all := make([][]bool, R+1)
		for i := range all {
			all[i] = make([]bool, C+1)
			for j := range all[i] {
				all[i][j] = g.Policy[i][j] != Known || mask[i][j]
			}
		}
		views := []int{-1}
		if g.InsiderRows {
			for i := 0; i < R; i++ {
				views = append(views, i)
			}
		}
		for i := 0; i <= R; i++ {
			for j := 0; j <= C; j++ {
				if !g.Primary(i, j, Threshold) {
					continue
				}
				if !mask[i][j] {
					t.Fatalf("table %d: small count (%d,%d)=%d published", n, i, j, g.Values[i][j])
				}
				for _, v := range views {
					if v == i {
						continue
					}
					if determinable(g, mask, v, i, j) && !determinable(g, all, v, i, j) {
						t.Fatalf("table %d (%dx%d, policies %v, insider %d): cell (%d,%d)=%d can be worked out\nvalues %v\nmask %v",
							n, R, C, p, v, i, j, g.Values[i][j], g.Values, mask)
					}
					checked++
				}
			}
		}
		// Nothing more than needed is hidden in a table without small counts.
		hasPrimary := false
		for i := 0; i <= R; i++ {
			for j := 0; j <= C; j++ {
				hasPrimary = hasPrimary || g.Primary(i, j, Threshold)
			}
		}
		if !hasPrimary {
			for i := 0; i <= R; i++ {
				for j := 0; j <= C; j++ {
					if mask[i][j] && g.Policy[i][j] == Normal {
						t.Fatalf("table %d: cell (%d,%d) hidden without any small count", n, i, j)
					}
				}
			}
		}
	}
	if checked < 500 {
		t.Fatalf("only %d small counts checked", checked)
	}
}

// TestTotalMinusOtherCountries is the attack in words: with the yearly total known, a
// country's small count must not be the total minus the countries shown — not even for a
// focal point who knows their own country's count.
func TestTotalMinusOtherCountries(t *testing.T) {
	// Rows: JO, SA, EG, TN; one year. TN has 2 completions.
	g := NewGrid([][]int{{12}, {6}, {7}, {2}}, Hidden, Known, Known)
	g.InsiderRows = true
	mask := g.Suppress(Threshold)
	if !mask[3][0] {
		t.Fatal("TN's 2 is published")
	}
	total := g.Values[4][0]
	for insider := -1; insider < 4; insider++ {
		shown, hidden := 0, 0
		for i := 0; i < 4; i++ {
			if !mask[i][0] || i == insider {
				shown += g.Values[i][0]
			} else {
				hidden++
			}
		}
		if hidden < 2 {
			t.Errorf("insider %d: total %d minus the countries they see (%d) leaves TN alone: %d", insider, total, shown, total-shown)
		}
	}
	if !mask[3][0] || mask[0][0] && mask[1][0] && mask[2][0] && g.Values[0][0] == 12 && countHidden(mask) > 3 {
		t.Errorf("more hidden than needed: %v", mask)
	}
}

func countHidden(mask [][]bool) int {
	n := 0
	for i := 0; i < len(mask)-1; i++ {
		if mask[i][0] {
			n++
		}
	}
	return n
}

func TestBridges(t *testing.T) {
	// Two squares joined by one cell: that cell is a bridge, the squares' cells are not.
	col := func(j int) int { return 4 + j }
	edges := [][2]int{{0, 0}, {0, 1}, {1, 0}, {1, 1}, {1, 2}, {2, 2}, {2, 3}, {3, 2}, {3, 3}}
	br := bridges(8, edges, col)
	if len(br) != 1 || !br[[2]int{1, 2}] {
		t.Errorf("bridges %v, want only (1,2)", br)
	}
}
