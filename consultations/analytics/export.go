package analytics

import (
	"context"
	"encoding/csv"
	"github.com/consult-platform/consult/database"
	"io"
	"strconv"
	"time"

	"github.com/consult-platform/consult/consultations"
)

// FiguresCSVHeader names the columns of the figures CSV (docs/OPEN-DATA.md).
var FiguresCSVHeader = []string{"consultation_id", "consultation_slug", "dimension", "value", "count", "total", "suppression_threshold", "as_of", "licence"}

// WriteFiguresCSV writes reports as CSV, one row per cell, in the long
// format every breakdown shares; hidden counts are written "<k". It
// streams: memory does not grow with the number of reports.
func WriteFiguresCSV(w io.Writer, header bool, reports ...*Report) error {
	cw := csv.NewWriter(w)
	if header {
		cw.Write(FiguresCSVHeader)
	}
	row := make([]string, len(FiguresCSVHeader))
	for _, r := range reports {
		if !r.Published {
			continue
		}
		asOf := r.AsOf.UTC().Format(time.RFC3339)
		for _, b := range r.Breakdowns {
			for _, c := range b.Cells {
				row[0], row[1], row[2], row[3] = r.ConsultationID, r.Slug, b.Dimension, c.Value
				row[4], row[5], row[6], row[7], row[8] = c.Count.String(), b.Total.String(), strconv.Itoa(r.SuppressionThreshold), asOf, r.Licence.URL
				if err := cw.Write(row); err != nil {
					return err
				}
			}
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// ResponsesCSVHeader starts the staff export; one column per question
// follows, headed by the question's id.
var ResponsesCSVHeader = []string{"row", "submitted_on", "language"}

// ExportResponses writes, for staff, the responses to c whose
// respondents allowed their answers to be published: no email, account,
// reference or profile, so anonymous respondents stay anonymous. It
// streams straight from the database with flat memory.
func (s *Service) ExportResponses(ctx context.Context, c *consultations.Consultation, w io.Writer) error {
	cw := csv.NewWriter(w)
	header := append([]string{}, ResponsesCSVHeader...)
	col := map[string]int{}
	for i, q := range c.Questions {
		header = append(header, "q"+strconv.Itoa(i+1)+"_"+q.ID)
		col[q.ID] = len(ResponsesCSVHeader) + i
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	rows, err := s.db.Reader.QueryContext(ctx, `SELECT r.id, `+database.Day(s.db.Reader, "r.created_at")+`, r.locale, COALESCE(a.question_id, ''), COALESCE(a.value, '')
		FROM responses r LEFT JOIN answers a ON a.response_id = r.id
		WHERE r.consultation_id = ? AND r.publish_consent ORDER BY r.id`, c.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	record := make([]string, len(header))
	var current string
	n := 0
	flush := func() error {
		if current == "" {
			return nil
		}
		n++
		record[0] = strconv.Itoa(n)
		return cw.Write(record)
	}
	var id, on, locale, qid, value string
	for rows.Next() {
		if err := rows.Scan(&id, &on, &locale, &qid, &value); err != nil {
			return err
		}
		if id != current {
			if err := flush(); err != nil {
				return err
			}
			current = id
			clear(record)
			record[1], record[2] = on, locale
		}
		if i, ok := col[qid]; ok {
			record[i] = value
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if err := flush(); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}
