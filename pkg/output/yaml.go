package output

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	yaml11 "go.yaml.in/yaml/v2"
	yaml "go.yaml.in/yaml/v3"
)

// jsonToYAML converts a JSON document to YAML, keeping the order of every
// object's keys (the JSON document's order, which is the API's for the
// documents eksaccess prints, rather than sorted keys) and every string
// exactly: control characters, DEL, C1 characters, bidirectional controls
// and a byte-order mark are written as YAML escapes in a double-quoted
// scalar, never refused, never raw.
func jsonToYAML(data []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	node, err := yamlNode(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("trailing data after the JSON document")
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	enc.CompactSeqIndent() // "- item" under its key, as kubectl and the AWS CLI print lists
	if err := enc.Encode(node); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	// The encoder escapes C0, C1, DEL and U+FEFF in a double-quoted scalar
	// but prints bidirectional controls as they are; stringNode quotes
	// every string that holds one, so here they are all inside double
	// quotes, where \uXXXX is the same character.
	return escapeQuoted(buf.Bytes(), true), nil
}

// yamlNode reads one JSON value from dec and returns it as a YAML node.
func yamlNode(dec *json.Decoder) (*yaml.Node, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch tok := tok.(type) {
	case json.Delim:
		switch tok {
		case '{':
			n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return nil, err
				}
				key, ok := k.(string)
				if !ok {
					return nil, fmt.Errorf("object key %v is not a string", k)
				}
				v, err := yamlNode(dec)
				if err != nil {
					return nil, err
				}
				n.Content = append(n.Content, stringNode(key), v)
			}
			if _, err := dec.Token(); err != nil { // '}'
				return nil, err
			}
			if len(n.Content) == 0 {
				n.Style = yaml.FlowStyle // {}
			}
			return n, nil
		case '[':
			n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
			for dec.More() {
				v, err := yamlNode(dec)
				if err != nil {
					return nil, err
				}
				n.Content = append(n.Content, v)
			}
			if _, err := dec.Token(); err != nil { // ']'
				return nil, err
			}
			if len(n.Content) == 0 {
				n.Style = yaml.FlowStyle // []
			}
			return n, nil
		}
		return nil, fmt.Errorf("unexpected %v in JSON", tok)
	case string:
		return stringNode(tok), nil
	case json.Number:
		tag := "!!int"
		if strings.ContainsAny(string(tok), ".eE") {
			tag = "!!float"
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: string(tok)}, nil
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: fmt.Sprint(tok)}, nil
	case nil:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}, nil
	}
	return nil, fmt.Errorf("unexpected JSON token %v", tok)
}

// stringNode is a YAML string. It is double-quoted when a YAML 1.1 reader
// (PyYAML, older Go libraries) would read it as something else: yes, no,
// on, off, y, 12:30, 0b101 and the like, which the YAML 1.2 encoder leaves
// plain; and when it holds characters YAML must escape, so that they are
// escaped rather than refused. Otherwise the encoder picks the style.
func stringNode(s string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
	if needsEscapes(s) || quotedInYAML11(s) {
		n.Style = yaml.DoubleQuotedStyle
	}
	return n
}

// quotedInYAML11 reports whether a YAML 1.1 encoder quotes s, that is,
// whether s would not read back as a string there when plain.
func quotedInYAML11(s string) bool {
	b, err := yaml11.Marshal(s)
	return err != nil || len(b) == 0 || b[0] == '"' || b[0] == '\''
}

// needsEscapes reports whether s holds a character that YAML cannot print
// as is (a control character other than tab and newline, DEL, a C1
// character, a byte-order mark, a non-character) or that must not reach
// a terminal raw (what Sanitize escapes: bidirectional controls too).
func needsEscapes(s string) bool {
	for _, r := range s {
		if unsafeRune(r) || r == 0xfffe || r == 0xffff {
			return true
		}
	}
	return false
}
