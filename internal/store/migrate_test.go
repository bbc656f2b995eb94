package store

import (
	"context"
	"sync"
	"testing"

	"riverside/internal/store/pgtest"
)

// TestMigrateTogether: a crawler and searchds starting together on a
// fresh database all open it (the schema is made once), and opening it
// again changes nothing.
func TestMigrateTogether(t *testing.T) {
	backends(t, func(t *testing.T, openTemp opener) {
		ctx := context.Background()
		_, where := openTemp(t)
		// A database nobody migrated yet: a new file, a new PostgreSQL
		// database.
		if IsURL(where) {
			where = pgtest.URL(t)
		} else {
			where += ".fresh"
		}
		var wg sync.WaitGroup
		errs := make(chan error, 4)
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s, err := Open(ctx, where)
				if err != nil {
					errs <- err
					return
				}
				_, err = s.Put(ctx, article("http://a/"+where, "x"))
				if err != nil {
					errs <- err
				}
				s.Close()
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		s, _ := openAt(t, where)
		st, err := s.Stats(ctx)
		if err != nil || st.Versions != 1 {
			t.Errorf("after four opens: %+v %v, want 1 version", st, err)
		}
	})
}
