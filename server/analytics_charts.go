package server

import (
	"fmt"
	"html/template"
	"strings"
)

// chartRow is one bar of a chart and one row of the table that follows it.
type chartRow struct {
	Key    string // the cell's value, naming it for live updates (headline)
	Label  string
	Lang   string // set when the label is in another language than the page
	Count  string // as shown: "812" or "fewer than 10"
	N      int64
	Hidden bool
}

// svgEscape escapes text for SVG markup.
var svgEscape = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#39;").Replace

// barChart draws rows as horizontal bars: an image with a title and a
// description for screen readers (the table after it carries the numbers
// too), bars told apart by pattern as well as shade, hidden counts drawn
// as an empty dashed box rather than a made-up length.
func barChart(id, title, desc string, rows []chartRow) template.HTML {
	const width, labelW, barW, rowH = 640, 210, 330, 30
	var peak int64
	for _, r := range rows {
		peak = max(peak, r.N)
	}
	height := len(rows)*rowH + 10
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" role="img" aria-labelledby="%[1]s-t %[1]s-d" viewBox="0 0 %[2]d %[3]d" width="100%%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">`, id, width, height)
	fmt.Fprintf(&b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, svgEscape(title), id, svgEscape(desc))
	fmt.Fprintf(&b, `<defs><pattern id="%s-hatch" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="8" height="8" class="chart-fill-b"/><line x1="0" y1="0" x2="0" y2="8" class="chart-line"/></pattern></defs>`, id)
	for i, r := range rows {
		y := i*rowH + 6
		label := r.Label
		if len([]rune(label)) > 30 {
			label = string([]rune(label)[:29]) + "…"
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="chart-label" text-anchor="end">%s</text>`, labelW-8, y+15, svgEscape(label))
		if r.Hidden {
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="40" height="18" class="chart-hidden"/>`, labelW, y+2)
			fmt.Fprintf(&b, `<text x="%d" y="%d" class="chart-value">%s</text>`, labelW+48, y+15, svgEscape(r.Count))
			continue
		}
		w := 0
		if peak > 0 {
			w = int(float64(barW) * float64(r.N) / float64(peak))
		}
		fill := `class="chart-fill-a"`
		if i%2 == 1 {
			fill = fmt.Sprintf(`fill="url(#%s-hatch)" class="chart-bar-b"`, id)
		}
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="18" %s/>`, labelW, y+2, max(w, 1), fill)
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="chart-value">%s</text>`, labelW+w+8, y+15, svgEscape(r.Count))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// columnChart draws counts over time as columns, left to right, with the
// open period marked by a patterned band and dashed lines at its ends.
// openFrom and openTo index the first and last column inside it.
func columnChart(id, title, desc string, rows []chartRow, openFrom, openTo int, openLabel string) template.HTML {
	const width, height, top, bottom = 640, 220, 24, 190
	n := max(len(rows), 1)
	colW := float64(width-20) / float64(n)
	var peak int64
	for _, r := range rows {
		peak = max(peak, r.N)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" role="img" aria-labelledby="%[1]s-t %[1]s-d" viewBox="0 0 %[2]d %[3]d" width="100%%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">`, id, width, height)
	fmt.Fprintf(&b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, svgEscape(title), id, svgEscape(desc))
	fmt.Fprintf(&b, `<defs><pattern id="%s-dots" width="6" height="6" patternUnits="userSpaceOnUse"><circle cx="3" cy="3" r="1" class="chart-dot"/></pattern></defs>`, id)
	if openFrom >= 0 && openTo >= openFrom {
		x0 := 10 + colW*float64(openFrom)
		x1 := 10 + colW*float64(openTo+1)
		fmt.Fprintf(&b, `<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="url(#%s-dots)" class="chart-period"/>`, x0, top, x1-x0, bottom-top, id)
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" class="chart-marker"/><line x1="%.1f" y1="%d" x2="%.1f" y2="%d" class="chart-marker"/>`, x0, top-6, x0, bottom, x1, top-6, x1, bottom)
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" class="chart-label">%s</text>`, x0+4, top-8, svgEscape(openLabel))
	}
	for i, r := range rows {
		x := 10 + colW*float64(i)
		if r.Hidden || peak == 0 {
			continue
		}
		h := float64(bottom-top) * float64(r.N) / float64(peak)
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" class="chart-fill-a"/>`, x+colW*0.1, float64(bottom)-h, colW*0.8, h)
	}
	fmt.Fprintf(&b, `<line x1="10" y1="%d" x2="%d" y2="%d" class="chart-axis"/>`, bottom, width-10, bottom)
	if len(rows) > 0 {
		fmt.Fprintf(&b, `<text x="10" y="%d" class="chart-label">%s</text>`, bottom+20, svgEscape(rows[0].Label))
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="chart-label" text-anchor="end">%s</text>`, width-10, bottom+20, svgEscape(rows[len(rows)-1].Label))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
