package news

import (
	"errors"
	"time"
)

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

// ErrLeaseHeld says that another holder's term of a lease runs: it is
// not free to take.
var ErrLeaseHeld = errors.New("lease held by another")

// ErrLeaseLost says that a holder's term of a lease is over (another took
// the lease, or it was released): the holder may neither renew it nor
// write under it.
var ErrLeaseLost = errors.New("lease lost")
