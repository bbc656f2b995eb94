package index

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/index/scorch"

	"riverside/internal/gazetteer"
	"riverside/internal/news"
)

// Keys of the values the index keeps next to the documents (Bleve's
// "internal" storage).
const (
	// seqKey holds the highest store sequence number indexed, written
	// in the same batch as the documents it covers.
	seqKey = "riverside:seq"
	// mappingKey holds mappingVersion.
	mappingKey = "riverside:mapping"
)

// openTimeout bounds the wait for the index's lock file. Bleve's default
// is to wait forever, which turns a second searchd on the same directory
// into a silent hang; an error says what is wrong.
const openTimeout = "2s"

// ErrMappingChanged reports an index built by another version of the
// mapping or analyzers. The index is a derived view: delete it and let
// Follow rebuild it from the store.
var ErrMappingChanged = errors.New("index: built with another mapping version")

// Index is an open Bleve index of articles. Its methods are safe for
// concurrent use: searches run while Follow applies batches.
type Index struct {
	bleve bleve.Index
	// bleveOnly walks every query's hits with Bleve's searchers, not the
	// lean evaluator (the differential test compares the two).
	bleveOnly atomic.Bool
	// applying serialises Apply: each reads the checkpoint it then moves.
	applying sync.Mutex
	path     string
	// text is the analyzer of the text fields; query and exact read the
	// query's unquoted words and its phrases and prefixes, so that their
	// bigrams and positions line up with the index's (see addAnalyzers).
	text, query, exact analysis.Analyzer
	// stems lists the words of the index by stem, for unquoted words;
	// the text analyzer adds new words as it meets them.
	stems *stemTable
	// places expands place names in queries.
	places *gazetteer.Gazetteer
	// meta keeps what searches sort and count by (see metaCache); the
	// warmer reads it for new segments in the background until
	// stopWarm is closed, then closes warmed.
	meta             *metaCache
	stopWarm, warmed chan struct{}
	stopOnce         sync.Once
	// minFree is the free space Apply needs (diskspace.go).
	minFree minFreeBytes
	// cores is how many batches a large Apply may run at once (see
	// parts); 0 means GOMAXPROCS.
	cores int
}

// Open opens the index at path, creating it when the directory does not
// exist. It fails, rather than blocking, when another process holds it.
func Open(path string) (*Index, error) {
	runtime := map[string]any{"bolt_timeout": openTimeout}
	b, err := bleve.OpenUsing(path, runtime)
	created := false
	if errors.Is(err, bleve.ErrorIndexPathDoesNotExist) {
		m, merr := newMapping()
		if merr != nil {
			return nil, fmt.Errorf("index mapping: %w", merr)
		}
		b, err = bleve.NewUsing(path, m, scorch.Name, bleve.Config.DefaultKVStore, runtime)
		created = true
	}
	if err != nil {
		return nil, fmt.Errorf("open index %s: %w", path, err)
	}
	idx := &Index{bleve: b, path: path, places: gazetteer.Default(), meta: newMetaCache(),
		stopWarm: make(chan struct{}), warmed: make(chan struct{})}
	if err := idx.init(created); err != nil {
		b.Close()
		return nil, err
	}
	go func() {
		defer close(idx.warmed)
		idx.warm(idx.stopWarm)
	}()
	return idx, nil
}

func (x *Index) init(created bool) error {
	if created {
		if err := x.bleve.SetInternal([]byte(mappingKey), []byte(mappingVersion)); err != nil {
			return fmt.Errorf("index %s: record mapping version: %w", x.path, err)
		}
	}
	v, err := x.bleve.GetInternal([]byte(mappingKey))
	if err != nil {
		return fmt.Errorf("index %s: read mapping version: %w", x.path, err)
	}
	if string(v) != mappingVersion {
		return fmt.Errorf("open index %s: version %q, want %q: %w", x.path, v, mappingVersion, ErrMappingChanged)
	}
	for name, dst := range map[string]*analysis.Analyzer{textAnalyzer: &x.text, queryAnalyzer: &x.query, exactAnalyzer: &x.exact} {
		a := x.bleve.Mapping().AnalyzerNamed(name)
		if a == nil {
			return fmt.Errorf("index %s: analyzer %s missing: %w", x.path, name, ErrMappingChanged)
		}
		*dst = a
	}
	if x.stems = stemTableOf(x.text); x.stems == nil {
		return fmt.Errorf("index %s: analyzer %s keeps no stem table: %w", x.path, textAnalyzer, ErrMappingChanged)
	}
	if created {
		return nil
	}
	adv, err := x.bleve.Advanced()
	if err != nil {
		return fmt.Errorf("index %s: %w", x.path, err)
	}
	r, err := adv.Reader()
	if err != nil {
		return fmt.Errorf("index %s: %w", x.path, err)
	}
	defer r.Close()
	if err := x.stems.load(r); err != nil {
		return fmt.Errorf("index %s: stem table: %w", x.path, err)
	}
	return nil
}

// Close flushes and closes the index.
func (x *Index) Close() error {
	x.stopOnce.Do(func() { close(x.stopWarm) })
	<-x.warmed
	if err := x.bleve.Close(); err != nil {
		return fmt.Errorf("close index %s: %w", x.path, err)
	}
	return nil
}

// Checkpoint returns the highest store sequence number indexed, 0 for a
// new index.
func (x *Index) Checkpoint() (int64, error) {
	v, err := x.bleve.GetInternal([]byte(seqKey))
	if err != nil {
		return 0, fmt.Errorf("index %s: read checkpoint: %w", x.path, err)
	}
	if v == nil {
		return 0, nil
	}
	seq, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("index %s: bad checkpoint %q: %w", x.path, v, err)
	}
	return seq, nil
}

// Apply indexes articles, each under its ID (a newer version replaces the
// older one), and records the highest Seq among them as the checkpoint.
// The checkpoint never covers a version that is not in the index: a
// batch of ordinary size goes in as one Bleve batch with the checkpoint
// (all of it or none of it after a crash); a large one (see parts) as
// several batches applied at once, and the checkpoint after all of them,
// so that a crash may leave some of them in without the checkpoint, and
// the next Apply of the same log indexes them again, which changes
// nothing.
//
// Versions at or below the checkpoint are skipped, so that replaying a
// part of the log already indexed changes nothing. Within one call a later
// version (higher Seq) of an ID wins.
func (x *Index) Apply(ctx context.Context, articles []news.Article) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	x.applying.Lock()
	defer x.applying.Unlock()
	done, err := x.Checkpoint()
	if err != nil {
		return err
	}
	latest := make(map[string]*news.Article, len(articles))
	maxSeq := done
	for i := range articles {
		a := &articles[i]
		if a.Seq <= done {
			continue
		}
		if a.ID == "" {
			return fmt.Errorf("index article seq %d (%s): empty id", a.Seq, a.URL)
		}
		if prev, ok := latest[a.ID]; !ok || prev.Seq < a.Seq {
			latest[a.ID] = a
		}
		maxSeq = max(maxSeq, a.Seq)
	}
	if maxSeq == done {
		return nil
	}
	cores := x.cores
	if cores == 0 {
		cores = runtime.GOMAXPROCS(0)
	}
	n := parts(len(latest), cores)
	batches := make([]*bleve.Batch, n)
	for i := range batches {
		batches[i] = x.bleve.NewBatch()
	}
	// Each ID goes to one batch only, so that the order in which the
	// batches land cannot matter.
	i := 0
	for id, a := range latest {
		batch := batches[i%n]
		i++
		if a.DuplicateOf != "" {
			// An edited copy of another article: the search shows the
			// original, which lists the copy's URL.
			batch.Delete(id)
			continue
		}
		if err := batch.Index(id, document(a)); err != nil {
			return fmt.Errorf("index article %s (seq %d): %w", id, a.Seq, err)
		}
	}
	checkpoint := []byte(strconv.FormatInt(maxSeq, 10))
	if n == 1 {
		batches[0].SetInternal([]byte(seqKey), checkpoint)
	}
	if err := x.roomToWrite(); err != nil {
		return err
	}
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i, b := range batches {
		wg.Go(func() { errs[i] = x.bleve.Batch(b) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("index batch up to seq %d: %w", maxSeq, err)
	}
	if n > 1 {
		if err := x.bleve.SetInternal([]byte(seqKey), checkpoint); err != nil {
			return fmt.Errorf("index batch up to seq %d: checkpoint: %w", maxSeq, err)
		}
	}
	return nil
}

// minPart is the fewest articles worth a batch of their own in a large
// Apply. Bleve builds each batch's segment on the calling goroutine, one
// core, while the others idle; a catch-up batch (Follow grows to
// catchUpBatch) split into batches applied at once keeps every core
// building. Smaller parts would only make more segments to merge.
const minPart = 512

// parts is the number of Bleve batches for an Apply of n articles on
// cores cores: one, unless each part keeps minPart articles.
func parts(n, cores int) int {
	return max(1, min(cores, n/minPart))
}

// Count returns the number of documents (articles, not versions) indexed.
func (x *Index) Count() (uint64, error) {
	n, err := x.bleve.DocCount()
	if err != nil {
		return 0, fmt.Errorf("index %s: count: %w", x.path, err)
	}
	return n, nil
}
