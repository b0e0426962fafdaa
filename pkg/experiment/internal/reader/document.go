// Package reader holds what the readers of every experiment file format
// share: strict YAML (unknown fields, wrong types, duplicate keys, aliases
// and tags are errors naming the file and line), the metadata and metric
// names, and the compiler of the Job template, which checks it against
// batch/v1 Job.
package reader

import (
	"bytes"
	"errors"
	"io"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/mlexp/kubectl-mlexp/pkg/experiment/model"
)

// Document decodes the single YAML document of data.
func (p *Reader) Document(data []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &model.Error{File: p.File, Msg: "file is empty"}
		}
		return nil, p.yamlError(err, data)
	}
	var next yaml.Node
	if err := dec.Decode(&next); err == nil {
		return nil, p.Errorf(&next, "a file holds one experiment: found a second YAML document")
	} else if !errors.Is(err, io.EOF) {
		return nil, p.yamlError(err, data)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return nil, &model.Error{File: p.File, Msg: "file is empty"}
	}
	root := doc.Content[0]
	if root.Kind == yaml.ScalarNode && root.ShortTag() == "!!null" {
		return nil, &model.Error{File: p.File, Msg: "file is empty"}
	}
	return root, nil
}

var yamlErrLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlError turns a YAML syntax error into an *Error with the line.
func (p *Reader) yamlError(err error, data []byte) error {
	msg := err.Error()
	m := yamlErrLine.FindStringSubmatch(msg)
	if m == nil {
		return &model.Error{File: p.File, Msg: strings.TrimPrefix(msg, "yaml: ")}
	}
	line, _ := strconv.Atoi(m[1])
	msg = m[2]
	// ${x} unquoted inside [...] or {...} reads as a YAML mapping.
	// yaml.v3 reports errors inside [...] and {...} a line early.
	lines := strings.Split(string(data), "\n")
	for _, l := range []int{line, line + 1} {
		if l-1 < len(lines) && strings.Contains(lines[l-1], "${") &&
			strings.ContainsAny(strings.ReplaceAll(lines[l-1], "${", ""), "[{") {
			line = l
			msg += ` (quote values that hold ${...} inside [...] or {...}: "${name}")`
			return &model.Error{File: p.File, Pos: model.Pos{Line: l}, Msg: msg}
		}
	}
	// yaml.v3 names the line where the block it was reading started:
	// find the line to change, and say why.
	if l, why := indentMistake(lines); l > 0 {
		return &model.Error{File: p.File, Pos: model.Pos{Line: l}, Msg: why}
	}
	if w := yamlWords[msg]; w != "" {
		msg += " (" + w + ")"
	}
	if line-1 < len(lines) && strings.HasPrefix(strings.TrimLeft(lines[line-1], " "), "\t") {
		msg += " (indent with spaces: YAML does not allow tabs there)"
	}
	return &model.Error{File: p.File, Pos: model.Pos{Line: line}, Msg: msg}
}

// yamlWords says what yaml.v3's messages mean for the person who wrote the
// file.
var yamlWords = map[string]string{
	"mapping values are not allowed in this context": "a key cannot start here: quote a value that holds \": \", or check the indentation of this line and the ones above",
	"did not find expected key":                      "a line in this block is indented unlike the keys around it",
	"did not find expected '-' indicator":            "a line in this list does not start with \"- \"",
}
