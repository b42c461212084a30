// Command genregions writes pkg/fleet/regions_gen.go, the regions where
// EKS answers in each partition, from the endpoint data of the EKS client
// of the SDK release go.mod names (service/eks/internal/endpoints): the
// SDK keeps that list, eksaccess only copies it. The SDK exports no way to
// enumerate regions (aws-sdk-go-v2 issue 1205), so the data is read from
// its source; TestRegionsUpToDate fails when the copy falls behind the
// SDK (after a go.mod bump: go generate ./pkg/fleet).
//
// Usage (from pkg/fleet): go run ./internal/genregions [-o regions_gen.go]
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// eksModule is the SDK module whose endpoint data is read.
const eksModule = "github.com/aws/aws-sdk-go-v2/service/eks"

func main() {
	out := flag.String("o", "regions_gen.go", "the file to write")
	flag.Parse()
	src, version, err := readEndpoints(context.Background())
	if err == nil {
		var data []byte
		if data, err = render(src, version); err == nil {
			err = os.WriteFile(*out, data, 0o644)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "genregions:", err)
		os.Exit(1)
	}
}

// readEndpoints reads the EKS client's endpoint data from the module
// cache, at the version go.mod requires.
func readEndpoints(ctx context.Context) (src []byte, version string, err error) {
	out, err := exec.CommandContext(ctx, "go", "list", "-m", "-f", "{{.Dir}} {{.Version}}", eksModule).Output()
	if err != nil {
		return nil, "", fmt.Errorf("go list -m %s: %w", eksModule, err)
	}
	dir, version, ok := strings.Cut(strings.TrimSpace(string(out)), " ")
	if !ok || dir == "" {
		return nil, "", fmt.Errorf("go list -m %s: no module directory (go mod download)", eksModule)
	}
	src, err = os.ReadFile(filepath.Join(dir, "internal", "endpoints", "endpoints.go"))
	return src, version, err
}

// partition is one partition's regions, and the pattern its region names
// follow.
type partition struct {
	id      string
	pattern string
	regions []string
}

// parse reads the partitions of the endpoint data: each partition's ID,
// its region pattern, and the regions with an endpoint of their own
// (no FIPS variant, no deprecated pseudo-region such as fips-us-east-1).
func parse(src []byte) ([]partition, error) {
	f, err := parser.ParseFile(token.NewFileSet(), "endpoints.go", src, 0)
	if err != nil {
		return nil, err
	}
	patterns := map[string]string{} // partitionRegexp.Aws -> its expression
	var parts []partition
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || len(vs.Names) != 1 || len(vs.Values) != 1 {
			return true
		}
		lit, ok := vs.Values[0].(*ast.CompositeLit)
		if !ok {
			return true
		}
		switch vs.Names[0].Name {
		case "partitionRegexp":
			for _, kv := range keyValues(lit) {
				if call, ok := kv.val.(*ast.CallExpr); ok && len(call.Args) == 1 {
					patterns["partitionRegexp."+kv.key] = stringLit(call.Args[0])
				}
			}
		case "defaultPartitions":
			for _, e := range lit.Elts {
				pl, ok := e.(*ast.CompositeLit)
				if !ok {
					continue
				}
				var p partition
				for _, kv := range keyValues(pl) {
					switch kv.key {
					case "ID":
						p.id = stringLit(kv.val)
					case "RegionRegex":
						p.pattern = exprString(kv.val)
					case "Endpoints":
						p.regions = endpointRegions(kv.val)
					}
				}
				parts = append(parts, p)
			}
		}
		return true
	})
	if len(parts) == 0 {
		return nil, errors.New("no defaultPartitions in the endpoint data")
	}
	for i, p := range parts {
		re, ok := patterns[p.pattern]
		if p.id == "" || !ok || re == "" {
			return nil, fmt.Errorf("partition %d: no ID or region pattern", i)
		}
		parts[i].pattern = re
		slices.Sort(parts[i].regions)
	}
	return parts, nil
}

// endpointRegions lists the regions of an Endpoints map: keys with only a
// Region, whose endpoint is not deprecated.
func endpointRegions(e ast.Expr) []string {
	lit, ok := e.(*ast.CompositeLit)
	if !ok {
		return nil
	}
	var regions []string
	for _, el := range lit.Elts {
		kv, ok := el.(*ast.KeyValueExpr)
		if !ok {
			continue
		}
		key, ok := kv.Key.(*ast.CompositeLit)
		if !ok {
			continue
		}
		region, plain := "", true
		for _, f := range keyValues(key) {
			switch f.key {
			case "Region":
				region = stringLit(f.val)
			default: // a Variant: FIPS or dual-stack, not a region of its own
				plain = false
			}
		}
		if val, ok := kv.Value.(*ast.CompositeLit); ok {
			for _, f := range keyValues(val) {
				if f.key == "Deprecated" {
					plain = false
				}
			}
		}
		if region != "" && plain {
			regions = append(regions, region)
		}
	}
	return regions
}

type keyValue struct {
	key string
	val ast.Expr
}

func keyValues(lit *ast.CompositeLit) []keyValue {
	var out []keyValue
	for _, e := range lit.Elts {
		if kv, ok := e.(*ast.KeyValueExpr); ok {
			if id, ok := kv.Key.(*ast.Ident); ok {
				out = append(out, keyValue{id.Name, kv.Value})
			}
		}
	}
	return out
}

func stringLit(e ast.Expr) string {
	if b, ok := e.(*ast.BasicLit); ok && b.Kind == token.STRING {
		s, err := strconv.Unquote(b.Value)
		if err == nil {
			return s
		}
	}
	return ""
}

func exprString(e ast.Expr) string {
	if s, ok := e.(*ast.SelectorExpr); ok {
		if x, ok := s.X.(*ast.Ident); ok {
			return x.Name + "." + s.Sel.Name
		}
	}
	return ""
}

// render writes the Go file of the partitions in src.
func render(src []byte, version string) ([]byte, error) {
	parts, err := parse(src)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by go run ./internal/genregions from %s %s; DO NOT EDIT.\n\n", eksModule, version)
	b.WriteString("package fleet\n\n")
	b.WriteString("// partitions are the regions where EKS answers, by partition, as the\n// SDK's endpoint data lists them.\n")
	b.WriteString("var partitions = []partition{\n")
	for _, p := range parts {
		fmt.Fprintf(&b, "\t{id: %q, pattern: %q, regions: []string{", p.id, p.pattern)
		for i, r := range p.regions {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%q", r)
		}
		b.WriteString("}},\n")
	}
	b.WriteString("}\n")
	return format.Source(b.Bytes())
}
