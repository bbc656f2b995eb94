package alert

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
)

// NewDeliveryID returns a fresh webhook-id ("msg_…", the prefix the
// Standard Webhooks examples use).
func NewDeliveryID() string { return "msg_" + randomHex(12) }

// NewSubscriptionID returns a fresh subscription id.
func NewSubscriptionID() string { return "sub_" + randomHex(8) }

// NewSecret returns a fresh signing secret, "whsec_" and 32 random bytes
// in base64.
func NewSecret() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand)
	return secretPrefix + base64.StdEncoding.EncodeToString(b)
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
