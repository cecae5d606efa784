package web

import (
	"context"

	"github.com/masar-platform/masar/advisory"
	"github.com/masar-platform/masar/officials"
)

// myAdvisoryRequests lists, for the personal-data export, the advisory requests the
// official submitted.
func (h *handler) myAdvisoryRequests(ctx context.Context, u *officials.Official) ([]*advisory.Request, error) {
	mine := []*advisory.Request{}
	if !u.IsStaff() && !u.IsFocalPoint() {
		return mine, nil
	}
	for offset := 0; ; offset += 200 {
		rs, total, err := h.Advisory.List(ctx, u, advisory.Filter{Limit: 200, Offset: offset})
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			if r.CreatedBy == u.ID {
				mine = append(mine, r)
			}
		}
		if offset+200 >= total || len(rs) == 0 {
			return mine, nil
		}
	}
}
