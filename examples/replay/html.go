package main

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/itsmkit/itsmkit/incident"
)

// writeHTMLFile writes the self-contained HTML report: inline SVG charts, inline CSS,
// no script and no link, so it opens anywhere without a network.
func writeHTMLFile(path string, r *results) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	var text strings.Builder
	writeText(&text, r)
	err = page.Execute(f, map[string]any{
		"Title":      "Replay of " + r.log,
		"Text":       text.String(),
		"Histogram":  template.HTML(histogramSVG(r.resolution)),
		"InState":    template.HTML(inStateSVG(r)),
		"ProcessMap": template.HTML(processMapSVG(r)),
	})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

var page = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}}</title>
<style>
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:70rem;color:#222}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}
pre{background:#f6f6f6;padding:1rem;overflow:auto;font-size:13px}
svg{max-width:100%;height:auto;background:#fff}
.note{color:#666;font-size:13px}
</style></head><body>
<h1>{{.Title}}</h1>
<h2>Process map: observed transitions</h2>
<p class="note">States in lifecycle order. Arcs above go forward, arcs below go back; width grows with the count. Red moves are not allowed by the default incident lifecycle.</p>
{{.ProcessMap}}
<h2>Time to resolve</h2>
<p class="note">Incidents by the time from opening to resolution (logarithmic bins).</p>
{{.Histogram}}
<h2>Time in each state</h2>
<p class="note">Time an incident spends in each state, over the incidents that entered it: median in blue, mean in gold. A mean far above the median means a long tail.</p>
{{.InState}}
<h2>Figures</h2>
<pre>{{.Text}}</pre>
</body></html>
`))

// histogramBins are the upper bounds of the resolution-time histogram's bins.
var histogramBins = []struct {
	label string
	upTo  time.Duration
}{
	{"< 1 h", time.Hour}, {"1–4 h", 4 * time.Hour}, {"4–8 h", 8 * time.Hour}, {"8–24 h", 24 * time.Hour},
	{"1–2 d", 48 * time.Hour}, {"2–5 d", 120 * time.Hour}, {"5–10 d", 240 * time.Hour},
	{"10–30 d", 720 * time.Hour}, {"≥ 30 d", math.MaxInt64},
}

func histogramSVG(durations []time.Duration) string {
	counts := make([]int, len(histogramBins))
	for _, d := range durations {
		for i, b := range histogramBins {
			if d < b.upTo {
				counts[i]++
				break
			}
		}
	}
	const w, h, left, bottom = 760, 300, 50, 40
	barW := float64(w-left-20) / float64(len(counts))
	peak := max(slices.Max(counts), 1)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" role="img" aria-label="resolution time histogram">`, w, h)
	for i, c := range counts {
		bh := float64(h-bottom-20) * float64(c) / float64(peak)
		x := float64(left) + float64(i)*barW
		y := float64(h-bottom) - bh
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#4a7fb5"/>`, x+4, y, barW-8, bh)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="12" text-anchor="middle">%d</text>`, x+barW/2, y-4, c)
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" font-size="12" text-anchor="middle">%s</text>`, x+barW/2, h-bottom+16, html.EscapeString(histogramBins[i].label))
	}
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#888"/>`, left, h-bottom, w-20, h-bottom)
	b.WriteString(`</svg>`)
	return b.String()
}

func inStateSVG(r *results) string {
	states := stateOrder(r.metrics.InState)
	const w, rowH, left = 760, 34, 130
	h := rowH*len(states) + 30
	var peak time.Duration = 1
	for _, s := range states {
		peak = max(peak, r.metrics.InState[s].Wall.Mean, r.metrics.InState[s].Wall.Median)
	}
	scale := float64(w-left-250) / float64(peak)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" role="img" aria-label="time in state">`, w, h)
	for i, s := range states {
		sum := r.metrics.InState[s].Wall
		y := 10 + i*rowH
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="13" text-anchor="end">%s</text>`, left-8, y+17, html.EscapeString(s))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="12" fill="#4a7fb5"><title>median</title></rect>`, left, y+3, float64(sum.Median)*scale)
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="8" fill="#c9a227"><title>mean</title></rect>`, left, y+17, float64(sum.Mean)*scale)
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" font-size="12">median %s · mean %s</text>`, float64(left)+float64(max(sum.Mean, sum.Median))*scale+6, y+17, hours(sum.Median), hours(sum.Mean))
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// processMapSVG draws an arc diagram: states on a line in lifecycle order, one arc
// per observed move with its count.
func processMapSVG(r *results) string {
	seen := map[string]bool{}
	for m := range r.moves {
		seen[string(m[0])], seen[string(m[1])] = true, true
	}
	states := stateOrder(seen)
	if len(states) == 0 {
		return `<p>No transitions were observed.</p>`
	}
	disallowed := map[[2]incident.State]bool{}
	for _, d := range r.strict.Disallowed {
		disallowed[[2]incident.State{d.From, d.To}] = true
	}
	const w, h, margin = 900, 520, 70
	mid := h / 2
	step := float64(w-2*margin) / float64(max(len(states)-1, 1))
	x := map[incident.State]float64{}
	for i, s := range states {
		x[incident.State(s)] = float64(margin) + float64(i)*step
	}
	peak := 1
	for _, c := range r.moves {
		peak = max(peak, c)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" role="img" aria-label="process map">`, w, h)
	keys := make([][2]incident.State, 0, len(r.moves))
	for m := range r.moves {
		keys = append(keys, m)
	}
	slices.SortFunc(keys, func(a, b [2]incident.State) int { return r.moves[b] - r.moves[a] })
	for _, m := range keys {
		count := r.moves[m]
		x1, x2 := x[m[0]], x[m[1]]
		span := math.Abs(x2 - x1)
		forward := x2 > x1
		dy := -(span/2 + 18) // above for forward moves
		if !forward {
			dy = span/2 + 18
		}
		cy := float64(mid) + dy
		width := 1 + 7*math.Log1p(float64(count))/math.Log1p(float64(peak))
		color := "#4a7fb5"
		if disallowed[m] {
			color = "#c0392b"
		}
		fmt.Fprintf(&b, `<path d="M %.1f %d Q %.1f %.1f %.1f %d" fill="none" stroke="%s" stroke-width="%.2f" stroke-opacity="0.75"><title>%s → %s: %d</title></path>`,
			x1, mid, (x1+x2)/2, cy, x2, mid, color, width, html.EscapeString(string(m[0])), html.EscapeString(string(m[1])), count)
		ly := float64(mid) + dy/2
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="12" text-anchor="middle" fill="%s" stroke="#fff" stroke-width="4" paint-order="stroke">%d</text>`, (x1+x2)/2, ly+4, color, count)
	}
	for _, s := range states {
		fmt.Fprintf(&b, `<circle cx="%.1f" cy="%d" r="9" fill="#222"/>`, x[incident.State(s)], mid)
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" font-size="13" text-anchor="middle" font-weight="bold" fill="#222" stroke="#fff" stroke-width="4" paint-order="stroke">%s</text>`, x[incident.State(s)], mid+28, html.EscapeString(s))
	}
	b.WriteString(`</svg>`)
	return b.String()
}
