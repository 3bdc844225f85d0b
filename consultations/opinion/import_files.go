package opinion

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/consult-platform/consult/consultations"
)

// FileImport names a Pol.is export on disk and where it goes.
type FileImport struct {
	Consultation string // the consultation's slug or id
	StaffEmail   string // the staff account the import is made as
	Dir          string // a folder holding comments.csv and votes.csv
	Comments     string // comments.csv elsewhere than Dir (optional)
	Votes        string // votes.csv elsewhere than Dir (optional)
}

// FileImportResult is what an import from files added and the groups
// computed from it.
type FileImportResult struct {
	ConsultationID string
	ImportSummary
	Voters, Grouped, Groups int
}

// ImportFiles reads a Pol.is export from disk, imports it into a
// consultation's opinion map as the named staff account (the same
// permission rule as the upload form), then computes the map's groups at
// once so that the report shows them.
func (s *Store) ImportFiles(ctx context.Context, in FileImport) (*FileImportResult, error) {
	actor, err := s.cs.UserByEmail(ctx, in.StaffEmail)
	if err != nil {
		return nil, fmt.Errorf("account %s: %w", in.StaffEmail, err)
	}
	c, err := s.cs.ConsultationBySlug(ctx, in.Consultation)
	if consultations.ErrorCode(err) == consultations.ENOTFOUND {
		c, err = s.cs.Consultation(ctx, in.Consultation)
	}
	if err != nil {
		return nil, fmt.Errorf("consultation %s: %w", in.Consultation, err)
	}
	conv, err := readPolisFiles(orJoin(in.Comments, in.Dir, "comments.csv"), orJoin(in.Votes, in.Dir, "votes.csv"))
	if err != nil {
		return nil, err
	}
	sum, err := s.Import(ctx, actor, c.ID, conv)
	if err != nil {
		return nil, err
	}
	res, err := s.Recompute(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	return &FileImportResult{ConsultationID: c.ID, ImportSummary: *sum, Voters: res.Voters, Grouped: res.Grouped, Groups: len(res.Groups)}, nil
}

func orJoin(path, dir, name string) string {
	if path != "" {
		return path
	}
	return filepath.Join(dir, name)
}

func readPolisFiles(commentsPath, votesPath string) (*PolisConversation, error) {
	comments, err := os.Open(commentsPath)
	if err != nil {
		return nil, err
	}
	defer comments.Close()
	votes, err := os.Open(votesPath)
	if err != nil {
		return nil, err
	}
	defer votes.Close()
	return ReadPolis(comments, votes)
}
