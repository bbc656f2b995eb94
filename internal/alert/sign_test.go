package alert

import (
	"strings"
	"testing"
	"time"
)

// The vector of the Standard Webhooks reference libraries: secret, id,
// timestamp and payload, and the signature they must give. The expected
// value was also computed by hand, independently of this package:
//
//	printf '%s' 'msg_p5jXN8AQM9LWM0D4loKWxJek.1614265330.{"test": 2432232314}' |
//	  openssl dgst -sha256 -mac HMAC -macopt hexkey:$(printf '%s' MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw | base64 -d | xxd -p -c 64) -binary | base64
const (
	vecSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	vecID     = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	vecTS     = 1614265330
	vecBody   = `{"test": 2432232314}`
	vecSig    = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

func TestSignVector(t *testing.T) {
	got, err := Sign(vecSecret, vecID, time.Unix(vecTS, 0), []byte(vecBody))
	if err != nil {
		t.Fatal(err)
	}
	if got != vecSig {
		t.Errorf("got %s, want %s", got, vecSig)
	}
}

func TestVerify(t *testing.T) {
	now := time.Unix(vecTS, 0)
	cases := []struct {
		name      string
		id, ts    string
		sigs      string
		body      string
		now       time.Time
		wantError string
	}{
		{"good", vecID, "1614265330", vecSig, vecBody, now, ""},
		{"among several", vecID, "1614265330", "v1,Zm9v " + vecSig, vecBody, now, ""},
		{"body changed", vecID, "1614265330", vecSig, vecBody + " ", now, "no matching signature"},
		{"id changed", "msg_other", "1614265330", vecSig, vecBody, now, "no matching signature"},
		{"too old", vecID, "1614265330", vecSig, vecBody, now.Add(10 * time.Minute), "off by"},
		{"bad timestamp", vecID, "yesterday", vecSig, vecBody, now, "bad timestamp"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Verify(vecSecret, c.id, c.ts, c.sigs, []byte(c.body), c.now, 5*time.Minute)
			switch {
			case c.wantError == "" && err != nil:
				t.Errorf("got %v, want nil", err)
			case c.wantError != "" && (err == nil || !strings.Contains(err.Error(), c.wantError)):
				t.Errorf("got %v, want an error with %q", err, c.wantError)
			}
		})
	}
}

func TestSecret(t *testing.T) {
	s := NewSecret()
	if !strings.HasPrefix(s, "whsec_") {
		t.Fatalf("secret %q", s)
	}
	if _, err := Sign(s, "msg_x", time.Now(), nil); err != nil {
		t.Errorf("a new secret does not sign: %v", err)
	}
	for _, bad := range []string{"", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_", "whsec_!!!"} {
		if _, err := Sign(bad, "msg_x", time.Now(), nil); err == nil {
			t.Errorf("secret %q accepted", bad)
		}
	}
}
