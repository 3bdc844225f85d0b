package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/consult-platform/consult/consultations/opinion"
)

func cmdOpinionImport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("opinion import", stderr)
	var d dbFlags
	d.register(fs, getenv)
	var in opinion.FileImport
	fs.StringVar(&in.Consultation, "consultation", "", "slug or id of the consultation (required)")
	fs.StringVar(&in.StaffEmail, "as", "", "email of a staff account of the consultation's organisation (required)")
	fs.StringVar(&in.Dir, "dir", ".", "folder holding the export's comments.csv and votes.csv")
	fs.StringVar(&in.Comments, "comments", "", "comments.csv, when not in --dir")
	fs.StringVar(&in.Votes, "votes", "", "votes.csv, when not in --dir")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if in.Consultation == "" || in.StaffEmail == "" {
		return errors.New("opinion import: --consultation and --as are required")
	}
	a, err := openApp(ctx, d, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	s := opinion.NewStore(a.store)
	defer s.Close()
	res, err := s.ImportFiles(ctx, in)
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(stdout, "imported %d statements (%d merged into existing ones) and %d votes into %s; %d of %d voters in %d groups\n",
		res.Statements, res.Duplicates, res.Votes, in.Consultation, res.Grouped, res.Voters, res.Groups)
	return nil
}
