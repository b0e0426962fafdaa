package logmetrics

// Series accumulates points from a stream of lines, tracking the current
// epoch from "Epoch 3/10" lines or "epoch" keys. It is not safe for
// concurrent use; use one per log.
type Series struct {
	p        *Parser
	line     int
	step     int
	buf      []Point
	index    map[string]int // name -> position in names
	names    []string       // first-seen order; also interns the names
	last     []float64
	curves   [][]Point
	noCurves bool // keep the last values only (NewLastSeries)
}

// NewSeries returns an empty series that parses with p (nil means the
// built-in rules).
func (p *Parser) NewSeries() *Series {
	return &Series{p: p, step: -1, index: map[string]int{}}
}

// NewLastSeries returns an empty series that keeps only each metric's
// last value, not its curve: memory that does not grow with the log.
func (p *Parser) NewLastSeries() *Series {
	s := p.NewSeries()
	s.noCurves = true
	return s
}

// Add parses the next line of the log. A point's Step is the epoch named on
// its line, else the last epoch named before it, else -1.
func (s *Series) Add(line string) {
	s.line++
	var step int
	s.buf, step = s.p.appendPoints(s.buf[:0], line)
	if step >= 0 {
		s.step = step
	}
	for _, pt := range s.buf {
		i, ok := s.index[pt.Name]
		if !ok {
			i = len(s.names)
			name := string([]byte(pt.Name)) // do not keep the whole line alive
			s.index[name] = i
			s.names = append(s.names, name)
			s.last = append(s.last, 0)
			s.curves = append(s.curves, nil)
		}
		s.last[i] = pt.Value
		if s.noCurves {
			continue
		}
		s.curves[i] = append(s.curves[i], Point{Name: s.names[i], Value: pt.Value, Step: s.step, Line: s.line})
	}
}

// Lines returns how many lines were added.
func (s *Series) Lines() int { return s.line }

// Epoch returns the current epoch, or -1 if none was seen.
func (s *Series) Epoch() int { return s.step }

// Names returns the metric names in the order they first appeared.
func (s *Series) Names() []string { return append([]string(nil), s.names...) }

// Last returns the last value of each metric.
func (s *Series) Last() map[string]float64 {
	m := make(map[string]float64, len(s.names))
	for i, n := range s.names {
		m[n] = s.last[i]
	}
	return m
}

// Curves returns each metric's history in line order.
func (s *Series) Curves() map[string][]Point {
	m := make(map[string][]Point, len(s.names))
	for i, n := range s.names {
		m[n] = append([]Point(nil), s.curves[i]...)
	}
	return m
}
