package listening

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"path/filepath"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/listening/importer"
	"github.com/samtal-dev/samtal/listening/raw"
)

// Limits of an import.
const (
	MaxImportSize   = 200 << 20
	importChunkSize = 1 << 20
	// ImportBatch is how many rows go into one transaction; progress is
	// stored after each.
	ImportBatch = 1000
)

// StartImport keeps a review export for a source of kind import and
// returns the import to run (RunImport). The file is kept in the database
// until the import is done, so that any node can resume it. A file whose
// import into this source is unfinished resumes that import instead of
// starting another. Returns EFORBIDDEN, ENOTFOUND, ECONFLICT for a source
// of another kind, ETOOLARGE and EINVALID (an empty file or an unknown
// format).
func (s *Service) StartImport(ctx context.Context, sourceID int64, name string, r io.Reader) (*Import, error) {
	if err := samtal.ActorFrom(ctx).Require(PermManage); err != nil {
		return nil, err
	}
	src, err := s.Store.Source(ctx, sourceID)
	if err != nil {
		return nil, err
	}
	if src.Kind != KindImport {
		return nil, &samtal.Error{Code: samtal.ECONFLICT, Message: "error.source_not_import"}
	}
	// The file is read twice: once for its hash (to find an unfinished
	// import of it), then into the store. Spooling to memory would hold
	// up to MaxImportSize, so the first pass keeps the chunks.
	h := sha256.New()
	var chunks [][]byte
	var size int64
	br := bufio.NewReaderSize(io.LimitReader(r, MaxImportSize+1), importChunkSize)
	for {
		buf := make([]byte, importChunkSize)
		n, err := io.ReadFull(br, buf)
		if n > 0 {
			h.Write(buf[:n])
			chunks = append(chunks, buf[:n])
			size += int64(n)
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		} else if err != nil {
			return nil, samtal.Errorf(samtal.EMALFORMED, "error.body_malformed")
		}
	}
	if size > MaxImportSize {
		return nil, &samtal.Error{Code: samtal.ETOOLARGE, Message: "error.import_too_large"}
	}
	if size == 0 {
		return nil, samtal.FieldError("file", "error.import_empty")
	}
	format := importer.DetectFormat(name, chunks[0])
	if format == "" {
		return nil, samtal.FieldError("file", "error.import_format")
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if im, err := s.Store.ResumableImport(ctx, sourceID, sum); err == nil {
		return im, nil
	} else if samtal.ErrorCode(err) != samtal.ENOTFOUND {
		return nil, err
	}
	now := s.now()
	im := &Import{SourceID: sourceID, FileName: capText(filepath.Base(name), 200), SHA256: sum, Format: string(format),
		Size: size, State: "running", Errors: []RowReport{}, CreatedAt: now, UpdatedAt: now}
	err = s.Store.CreateImport(ctx, im, func(yield func([]byte) error) error {
		for _, c := range chunks {
			if err := yield(c); err != nil {
				return err
			}
		}
		return nil
	})
	return im, err
}

// Import returns an import with its progress.
func (s *Service) Import(ctx context.Context, id int64) (*Import, error) {
	if err := samtal.ActorFrom(ctx).Require(PermView); err != nil {
		return nil, err
	}
	return s.Store.Import(ctx, id)
}

// Imports lists a source's imports, newest first.
func (s *Service) Imports(ctx context.Context, sourceID int64) ([]Import, error) {
	if err := samtal.ActorFrom(ctx).Require(PermView); err != nil {
		return nil, err
	}
	return s.Store.Imports(ctx, sourceID)
}

// RunImport reads an import's rows into mentions, ImportBatch rows per
// transaction, storing its progress after each, and calls progress (if
// not nil) with it. It starts after the rows done before, so an import
// that stopped goes on where it was; rows stored twice are not possible
// because a mention's key is unique in its source. A bad row is reported
// and the good rows land; a file that cannot be read at all (a mapped
// column missing, a broken JSON array) ends the import as failed, with
// why. It runs for the system (a job or the CLI).
func (s *Service) RunImport(ctx context.Context, id int64, progress func(*Import)) (*Import, error) {
	im, err := s.Store.Import(ctx, id)
	if err != nil {
		return nil, err
	}
	if im.State != "running" {
		return im, nil
	}
	src, err := s.Store.Source(ctx, im.SourceID)
	if err != nil {
		return nil, err
	}
	var m importer.Mapping
	if err := json.Unmarshal(src.Config.Mapping, &m); err != nil {
		return s.failImport(ctx, im, errors.New("the source's column mapping cannot be read; save it again"))
	}
	pr, pw := io.Pipe()
	go func() {
		pw.CloseWithError(s.Store.ImportChunks(ctx, id, func(b []byte) error {
			_, err := pw.Write(b)
			return err
		}))
	}()
	defer pr.Close()
	rd, err := importer.NewReader(pr, importer.Format(im.Format), m)
	if err != nil {
		return s.failImport(ctx, im, err)
	}
	if im.RowsDone > 0 {
		if err := rd.Skip(im.RowsDone); err != nil {
			return s.failImport(ctx, im, err)
		}
	}
	items := make([]raw.Item, 0, ImportBatch)
	rows := 0
	flush := func() error {
		if rows == 0 {
			return nil
		}
		res, err := s.Ingest(ctx, src, items)
		if err != nil {
			return err
		}
		im.RowsDone += rows
		im.RowsStored += len(res.IDs)
		im.UpdatedAt = s.now()
		if err := s.Store.ImportProgress(ctx, im); err != nil {
			return err
		}
		if progress != nil {
			progress(im)
		}
		items, rows = items[:0], 0
		return nil
	}
	for {
		row, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if ferr := flush(); ferr != nil {
				return im, ferr
			}
			return s.failImport(ctx, im, err)
		}
		rows++
		if row.Err != nil {
			im.RowsFailed++
			if len(im.Errors) < MaxRowReports {
				im.Errors = append(im.Errors, RowReport{Row: row.Err.Row, Field: row.Err.Field, Error: row.Err.Msg, Problems: row.Err.Problems})
			}
		} else {
			items = append(items, row.Item)
		}
		if rows == ImportBatch {
			if err := flush(); err != nil {
				return im, err
			}
		}
	}
	if err := flush(); err != nil {
		return im, err
	}
	now := s.now()
	im.State, im.FinishedAt, im.UpdatedAt = "done", &now, now
	if err := s.Store.ImportProgress(ctx, im); err != nil {
		return im, err
	}
	if progress != nil {
		progress(im)
	}
	return im, nil
}

// failImport ends an import that cannot go on, with why. A refusal of the
// file keeps its code and values besides its English.
func (s *Service) failImport(ctx context.Context, im *Import, why error) (*Import, error) {
	now := s.now()
	im.State, im.FinishedAt, im.UpdatedAt = "failed", &now, now
	im.Error, im.ErrorProblem = why.Error(), nil
	if p, ok := importer.FileProblem(why); ok {
		im.Error, im.ErrorProblem = p.Message(), &p
	}
	return im, s.Store.ImportProgress(ctx, im)
}
