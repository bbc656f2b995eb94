package crawl

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"riverside/internal/contentcoding"
)

// wireTransport makes each request on a connection of its own and keeps
// the bytes that crossed it, as web-archiving crawlers do (Heritrix,
// internetarchive/gowarc): the request as written, and the response's
// status line and header fields exactly as read (order, case, repeats
// and all) with its body in the content coding it came in.
//
// One choice is made about transfer coding: a chunked body is kept
// de-chunked, and the Transfer-Encoding field is taken out of the stored
// header (the metadata record notes it; see Response.Notes). Stored raw,
// the chunk framing would make the WARC-Payload-Digest ambiguous — WARC
// 1.1 defines the payload as the entity body, with transfer coding
// removed, while common readers (gowarc among them) digest the bytes as
// they stand — and readers that skip de-chunking would hand back framing
// as content. De-chunked, every reader agrees on the payload and its
// digest, and the body is still byte for byte what the server encoded
// (gzip stays gzip). HTTP/2 is not offered (ALPN http/1.1 only), so that
// what is stored is an HTTP/1.1 message, the form WARC readers expect.
//
// A connection per request costs a handshake each time; the crawler waits
// seconds between requests to a host, so a kept-alive connection would
// seldom be reused anyway.
type wireTransport struct {
	dialer *net.Dialer
	// tls is cloned for every connection; nil means the defaults.
	tls     *tls.Config
	maxBody int
}

// wireExchange is one request and its response as they crossed the wire.
type wireExchange struct {
	// resp is the parsed response; its Body reads the decoded entity
	// (content coding undone), as Go's own transport would give it.
	resp *http.Response
	// body is the decoded entity, what resp.Body reads.
	body []byte
	// rawRequest is the request line, header and body as written.
	rawRequest []byte
	// rawResponse is the status line and header as read (less
	// Transfer-Encoding when chunked was undone) and the body as sent.
	rawResponse []byte
	remoteIP    string
	notes       [][2]string
}

// aLongTimeAgo is a deadline that has passed: it aborts pending I/O.
var aLongTimeAgo = time.Unix(1, 0)

// exchange makes req and reads its response whole.
func (t *wireTransport) exchange(req *http.Request) (*wireExchange, error) {
	ctx := req.Context()
	port := req.URL.Port()
	switch req.URL.Scheme {
	case "http":
		if port == "" {
			port = "80"
		}
	case "https":
		if port == "" {
			port = "443"
		}
	default:
		return nil, fmt.Errorf("unsupported scheme %q", req.URL.Scheme)
	}
	host := req.URL.Hostname()
	conn, err := t.dialer.DialContext(ctx, "tcp", net.JoinHostPort(host, port))
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	// The context ends the exchange (colly's client puts its timeout
	// there): the deadline is set only once the context is done, so that
	// an I/O error it causes always finds ctx.Err() set (see ctxErr).
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(aLongTimeAgo) })
	defer stop()
	ex := &wireExchange{}
	if a, ok := conn.RemoteAddr().(*net.TCPAddr); ok {
		ex.remoteIP = a.IP.String()
	}
	if req.URL.Scheme == "https" {
		cfg := &tls.Config{}
		if t.tls != nil {
			cfg = t.tls.Clone()
		}
		if cfg.ServerName == "" {
			cfg.ServerName = host
		}
		cfg.NextProtos = []string{"http/1.1"}
		tc := tls.Client(conn, cfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			return nil, ctxErr(ctx, err)
		}
		conn = tc
	}

	out := req.Clone(ctx)
	out.Header = req.Header.Clone()
	if out.Header.Get("Accept-Encoding") == "" {
		// Asked for explicitly (Go's transport would add it and hide
		// the coding): the capture keeps the gzip bytes as sent.
		out.Header.Set("Accept-Encoding", "gzip")
	}
	out.Close = true // "Connection: close": one exchange per connection
	var rawReq bytes.Buffer
	bw := bufio.NewWriter(io.MultiWriter(conn, &rawReq))
	if err := out.Write(bw); err != nil {
		return nil, ctxErr(ctx, err)
	}
	if err := bw.Flush(); err != nil {
		return nil, ctxErr(ctx, err)
	}
	ex.rawRequest = rawReq.Bytes()

	br := bufio.NewReader(conn)
	var head []byte
	for {
		if head, err = readHead(br); err != nil {
			return nil, ctxErr(ctx, err)
		}
		// 1xx interim responses (100 Continue, 103 Early Hints) come
		// before the real one; they are not kept.
		if code := statusCode(head); code < 100 || code > 199 || code == http.StatusSwitchingProtocols {
			break
		}
	}
	resp, err := http.ReadResponse(bufio.NewReader(io.MultiReader(bytes.NewReader(head), br)), out)
	if err != nil {
		return nil, ctxErr(ctx, err)
	}
	if resp.ContentLength > int64(t.maxBody) {
		resp.Body.Close()
		return nil, fmt.Errorf("%d bytes announced: %w (%d)", resp.ContentLength, ErrTooLarge, t.maxBody)
	}
	wire, err := io.ReadAll(io.LimitReader(resp.Body, int64(t.maxBody)+1))
	resp.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("read body: %w", ctxErr(ctx, err))
	}
	if len(wire) > t.maxBody {
		return nil, fmt.Errorf("%w (%d)", ErrTooLarge, t.maxBody)
	}
	if len(resp.TransferEncoding) > 0 {
		head = dropField(head, "Transfer-Encoding")
		ex.notes = append(ex.notes, [2]string{"transferEncoding", strings.Join(resp.TransferEncoding, ", ")})
	}
	for k, vs := range resp.Trailer {
		for _, v := range vs {
			ex.notes = append(ex.notes, [2]string{"httpTrailer", k + ": " + v})
		}
	}
	ex.rawResponse = append(head, wire...)

	ex.body = wire
	if ce := resp.Header.Get("Content-Encoding"); ce != "" {
		decoded, ok, err := decodeContent(ce, wire, int64(t.maxBody))
		if err != nil {
			return nil, fmt.Errorf("Content-Encoding %s: %w", ce, err)
		}
		if ok {
			ex.body = decoded
			resp.Header.Del("Content-Encoding")
			resp.Header.Del("Content-Length")
			resp.ContentLength = -1
			resp.Uncompressed = true
		}
	}
	resp.Body = io.NopCloser(bytes.NewReader(ex.body))
	ex.resp = resp
	return ex, nil
}

// readHead reads a status line and header fields up to and including
// the blank line, as the bytes came.
func readHead(br *bufio.Reader) ([]byte, error) {
	var head []byte
	for {
		line, err := br.ReadSlice('\n')
		head = append(head, line...)
		if errors.Is(err, bufio.ErrBufferFull) {
			if len(head) > 1<<20 {
				return nil, errors.New("response header larger than 1 MiB")
			}
			continue
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return nil, fmt.Errorf("read response header: %w", err)
		}
		if len(head) > 1<<20 {
			return nil, errors.New("response header larger than 1 MiB")
		}
		if len(line) <= 2 && strings.TrimRight(string(line), "\r\n") == "" && len(head) > len(line) {
			return head, nil
		}
	}
}

// statusCode reads the code of a status line ("HTTP/1.1 200 OK").
func statusCode(head []byte) int {
	line, _, _ := bytes.Cut(head, []byte("\n"))
	f := strings.Fields(string(line))
	if len(f) < 2 {
		return 0
	}
	n, _ := strconv.Atoi(f[1])
	return n
}

// dropField removes every field named name (and its continuation
// lines) from a header block.
func dropField(head []byte, name string) []byte {
	var out []byte
	dropping := false
	for i, line := range bytes.SplitAfter(head, []byte("\n")) {
		if i > 0 && len(line) > 0 && (line[0] == ' ' || line[0] == '\t') {
			if !dropping {
				out = append(out, line...)
			}
			continue
		}
		k, _, ok := bytes.Cut(line, []byte(":"))
		dropping = i > 0 && ok && strings.EqualFold(strings.TrimSpace(string(k)), name)
		if !dropping {
			out = append(out, line...)
		}
	}
	return out
}

// decodeContent undoes a Content-Encoding for the extractor: gzip and
// deflate (the codings the crawler accepts), applied in order. ok is false
// for codings it does not know, whose body is then passed on as it is.
func decodeContent(encoding string, body []byte, limit int64) (_ []byte, ok bool, _ error) {
	out, err := contentcoding.Decode(encoding, body, limit)
	var unknown *contentcoding.UnknownError
	var failed *contentcoding.Error
	switch {
	case err == nil:
		return out, true, nil
	case errors.As(err, &unknown):
		return nil, false, nil
	case errors.Is(err, contentcoding.ErrTooLarge):
		return nil, false, fmt.Errorf("%w: decoded body (%d)", ErrTooLarge, limit)
	case errors.As(err, &failed):
		return nil, false, failed.Err
	}
	return nil, false, err
}

// ctxErr prefers the context's error to the I/O error a cancelled or
// timed-out request ends in, so that callers see why.
func ctxErr(ctx context.Context, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return fmt.Errorf("%w (%v)", cerr, err)
	}
	return err
}
