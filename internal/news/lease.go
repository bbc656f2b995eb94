package news

import "time"

// Lease is a named role that one process at a time holds in the store
// (searchd's replicas elect their alert deliverer with one). Epoch is the
// fencing token: every acquisition raises it, so a holder that lost the
// lease (paused past its expiry, say) and writes with its old epoch is
// refused by the store.
type Lease struct {
	Name    string    `json:"name"`
	Holder  string    `json:"holder"`
	Epoch   int64     `json:"epoch"`
	Expires time.Time `json:"expires"`
}
