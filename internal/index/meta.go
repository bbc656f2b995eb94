package index

import (
	"fmt"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/numeric"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// The search reads, for every hit, what it sorts, filters pages and
// counts facets by: the publication time, the ID and the facet values.
// Bleve's own collector reads them from the doc values of each hit, on
// every request (several field visits per hit: most of a search's time on
// a broad query). Here they are read once per index segment, which is
// immutable, into a compact array in memory beside the index; a search
// looks them up by the hit's document number.

// docMeta is what the search keeps in memory of one document. Not its
// ID: reading that is reading the document's stored fields, too slow for
// every document of a large segment; the search reads it when a tie needs
// it and for the hits it shows.
type docMeta struct {
	// published is in Unix nanoseconds, when dated.
	published int64
	dated     bool
	// source, lang and month are value numbers in the cache's dicts, +1
	// (0: none); districts has bit i set for district value i.
	source, lang, month uint16
	districts           uint64
}

// segMeta holds the docMeta of a segment's documents by local number.
type segMeta struct {
	once sync.Once
	docs []docMeta
	err  error
}

// dict numbers the values of a keyword field.
type dict struct {
	ids    map[string]uint16
	values []string
}

// number returns v's number, +1 (0 is "none"), adding it if new. The
// caller holds the cache's dict lock.
func (d *dict) number(v []byte) uint16 {
	if n, ok := d.ids[string(v)]; ok {
		return n
	}
	if len(d.values) >= 1<<16-1 {
		return 0
	}
	d.values = append(d.values, string(v))
	n := uint16(len(d.values))
	d.ids[string(v)] = n
	return n
}

// maxDistricts bounds the district values told apart (bits of
// docMeta.districts); Riverside has two.
const maxDistricts = 64

// metaCache holds the segMeta of the segments of recent snapshots.
type metaCache struct {
	mu   sync.Mutex
	segs map[segment.Segment]*segMeta
	// dictMu guards dicts, which only grow.
	dictMu sync.RWMutex
	dicts  map[string]*dict
}

func newMetaCache() *metaCache {
	c := &metaCache{segs: map[segment.Segment]*segMeta{}, dicts: map[string]*dict{}}
	for _, f := range []string{fieldSource, fieldLang, fieldMonth, fieldDistrict} {
		c.dicts[f] = &dict{ids: map[string]uint16{}}
	}
	return c
}

// value returns the value numbered n (+1) of field.
func (c *metaCache) value(field string, n int) string {
	c.dictMu.RLock()
	defer c.dictMu.RUnlock()
	d := c.dicts[field]
	if n <= 0 || n > len(d.values) {
		return ""
	}
	return d.values[n-1]
}

// values returns how many values field has now.
func (c *metaCache) values(field string) int {
	c.dictMu.RLock()
	defer c.dictMu.RUnlock()
	return len(c.dicts[field].values)
}

// snapshotMeta is the metadata of one snapshot's documents.
type snapshotMeta struct {
	segs    []*segMeta
	offsets []uint64 // global number of each segment's first document
	// at is the segment of the last lookup: hits arrive in ascending
	// document order, so the next lookup usually starts there.
	at int
}

// forSnapshot returns the metadata of snap's documents, reading the
// segments not seen before.
func (c *metaCache) forSnapshot(snap *scorch.IndexSnapshot) (*snapshotMeta, error) {
	segs := snap.Segments()
	sm := &snapshotMeta{segs: make([]*segMeta, len(segs)), offsets: make([]uint64, len(segs)+1)}
	live := make(map[segment.Segment]bool, len(segs))
	c.mu.Lock()
	var running uint64
	for i, ss := range segs {
		// The snapshot numbers documents the way scorch's introducer
		// does: each segment's after the previous segment's, deleted
		// ones included.
		sm.offsets[i] = running
		running += ss.Segment().Count()
		m, ok := c.segs[ss.Segment()]
		if !ok {
			m = &segMeta{}
			c.segs[ss.Segment()] = m
		}
		sm.segs[i] = m
		live[ss.Segment()] = true
	}
	sm.offsets[len(segs)] = running
	// Forget merged-away segments; searches still running on an older
	// snapshot hold their own references.
	if len(c.segs) > 2*len(segs)+8 {
		for s := range c.segs {
			if !live[s] {
				delete(c.segs, s)
			}
		}
	}
	c.mu.Unlock()
	for i, m := range sm.segs {
		m.once.Do(func() { m.docs, m.err = c.read(snap, i, sm.offsets[i]) })
		if m.err != nil {
			// Not kept: the next search reads the segment again.
			c.mu.Lock()
			if c.segs[segs[i].Segment()] == m {
				delete(c.segs, segs[i].Segment())
			}
			c.mu.Unlock()
			return nil, m.err
		}
	}
	return sm, nil
}

// read reads the metadata of segment i of snap from its doc values.
func (c *metaCache) read(snap *scorch.IndexSnapshot, i int, offset uint64) ([]docMeta, error) {
	n := snap.Segments()[i].Segment().Count()
	dvr, err := snap.DocValueReader([]string{fieldSource, fieldLang, fieldMonth, fieldDistrict, fieldPublished})
	if err != nil {
		return nil, fmt.Errorf("index: doc values: %w", err)
	}
	docs := make([]docMeta, n)
	id := index.NewIndexInternalID(nil, 0)
	c.dictMu.Lock()
	defer c.dictMu.Unlock()
	for local := range n {
		m := &docs[local]
		id.SetValue(offset + local)
		err := dvr.VisitDocValues(id, func(field string, term []byte) {
			switch field {
			case fieldSource:
				m.source = c.dicts[fieldSource].number(term)
			case fieldLang:
				m.lang = c.dicts[fieldLang].number(term)
			case fieldMonth:
				m.month = c.dicts[fieldMonth].number(term)
			case fieldDistrict:
				if k := c.dicts[fieldDistrict].number(term); k > 0 && k <= maxDistricts {
					m.districts |= 1 << (k - 1)
				}
			case fieldPublished:
				// Dates are indexed at several precisions; the
				// full one has shift 0.
				p := numeric.PrefixCoded(term)
				if shift, err := p.Shift(); err == nil && shift == 0 {
					if v, err := p.Int64(); err == nil {
						m.published, m.dated = v, true
					}
				}
			}
		})
		if err != nil {
			return nil, fmt.Errorf("index: doc values of document %d: %w", offset+local, err)
		}
	}
	return docs, nil
}

// lookup returns the metadata of the document numbered num in the
// snapshot.
func (sm *snapshotMeta) lookup(num uint64) *docMeta {
	if num < sm.offsets[sm.at] {
		sm.at = 0
	}
	for sm.at < len(sm.segs)-1 && num >= sm.offsets[sm.at+1] {
		sm.at++
	}
	docs := sm.segs[sm.at].docs
	local := num - sm.offsets[sm.at]
	if local >= uint64(len(docs)) {
		return &docMeta{}
	}
	return &docs[local]
}

// warmEvery is how often the warmer looks for segments whose metadata is
// not read yet: those that scorch's merger made in the background, which
// the first search over them would otherwise wait for.
const warmEvery = 500 * time.Millisecond

// warm reads the metadata of the current snapshot's segments, until stop
// is closed.
func (x *Index) warm(stop <-chan struct{}) {
	t := time.NewTicker(warmEvery)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		if err := x.warmOnce(); err != nil {
			// The search that needs the segment reads it again and
			// reports the error.
			continue
		}
	}
}

// warmOnce reads the metadata of the current snapshot's new segments.
func (x *Index) warmOnce() (err error) {
	// A panic here would end searchd: see contain.
	defer contain("warm", &err)
	r, err := x.bleve.Advanced()
	if err != nil {
		return err
	}
	reader, err := r.Reader()
	if err != nil {
		return err
	}
	defer reader.Close()
	if snap, ok := reader.(*scorch.IndexSnapshot); ok {
		_, err = x.meta.forSnapshot(snap)
	}
	return err
}
