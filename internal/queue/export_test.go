package queue

import "context"

// LineLen is how many workers wait in line for host (tests only).
func (p *Pacer) LineLen(ctx context.Context, host string) (int64, error) {
	return p.c.rdb.ZCard(ctx, p.c.key("hostline", host)).Result()
}
