// Command escapetable lists the exported functions and methods of standard-library packages with
// the source position of every parameter, so scripts/escape-table.mjs can match the compiler's
// `-m=2` diagnostics (which carry a position and a name, not a function) to a function and a
// parameter index. It only reads source; the escape facts themselves come from the compiler.
//
// Usage: go run scripts/escapetable/main.go <import path>... > decls.json
//
// Positions are "file:line:col" with file relative to $GOROOT/src, the same form the generator
// normalises the compiler's positions to. Files are chosen by go/build for the current
// GOOS/GOARCH/CGO_ENABLED, the same selection `go build` makes.
package main

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Param is one parameter or receiver as the compiler names it in diagnostics.
type Param struct {
	Name string `json:"name"`
	// Pos is where the compiler reports on the parameter: its name, or its type when unnamed.
	Pos string `json:"pos"`
	// Blank is true for `_` and unnamed parameters, on which the compiler never reports.
	Blank bool `json:"blank,omitempty"`
	// Pointers is true when the type visibly holds pointers (*T, []T, string, map, chan, func,
	// interface, error, any). The compiler reports on every such named parameter, so the
	// generator warns when it finds no report: the position matching would be broken.
	Pointers bool `json:"pointers,omitempty"`
}

// Func is one exported function or method of an exported type.
type Func struct {
	// Key is the name callers look up: Name, T.Name (value receiver) or (*T).Name.
	Key      string  `json:"key"`
	Receiver *Param  `json:"receiver,omitempty"`
	Params   []Param `json:"params"`
	Variadic bool    `json:"variadic,omitempty"`
	// HasBody is false for declarations implemented in assembly or by the runtime (linkname);
	// the compiler tags those from pragmas, not from analysis.
	HasBody bool `json:"hasBody"`
	// Results holds the names the compiler uses for results: their own, or ~rN when unnamed.
	Results []string `json:"results,omitempty"`
}

// Package is one import path with its exported functions.
type Package struct {
	ImportPath string `json:"importPath"`
	Funcs      []Func `json:"funcs"`
}

func main() {
	goroot := build.Default.GOROOT
	srcRoot := filepath.Join(goroot, "src")
	var out []Package
	for _, path := range os.Args[1:] {
		pkg, err := readPackage(path, srcRoot)
		if err != nil {
			fmt.Fprintf(os.Stderr, "escapetable: %s: %v\n", path, err)
			os.Exit(1)
		}
		out = append(out, pkg)
	}
	enc := json.NewEncoder(os.Stdout)
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, "escapetable:", err)
		os.Exit(1)
	}
}

func readPackage(importPath, srcRoot string) (Package, error) {
	bp, err := build.Import(importPath, "", 0)
	if err != nil {
		return Package{}, err
	}
	fset := token.NewFileSet()
	pkg := Package{ImportPath: importPath, Funcs: []Func{}}
	files := append(append([]string{}, bp.GoFiles...), bp.CgoFiles...)
	sort.Strings(files)
	for _, name := range files {
		file, err := parser.ParseFile(fset, filepath.Join(bp.Dir, name), nil, parser.SkipObjectResolution)
		if err != nil {
			return Package{}, err
		}
		for _, decl := range file.Decls {
			if fd, ok := decl.(*ast.FuncDecl); ok && isExported(fd) {
				pkg.Funcs = append(pkg.Funcs, describe(fd, fset, srcRoot))
			}
		}
	}
	return pkg, nil
}

// isExported reports whether callers outside the package can name fd: an exported function, or
// an exported method of an exported, non-generic type. Generic functions are left out: the
// compiler analyses only their shape instantiations, which it marks DUPOK and never reports on.
func isExported(fd *ast.FuncDecl) bool {
	if !fd.Name.IsExported() || fd.Type.TypeParams != nil {
		return false
	}
	if fd.Recv == nil {
		return true
	}
	base, _, generic := receiverType(fd.Recv.List[0].Type)
	return base != "" && ast.IsExported(base) && !generic
}

// receiverType unwraps `T`, `*T`, `T[P]` and `*T[P]` to the base type name.
func receiverType(expr ast.Expr) (base string, pointer, generic bool) {
	if star, ok := expr.(*ast.StarExpr); ok {
		expr, pointer = star.X, true
	}
	switch t := expr.(type) {
	case *ast.IndexExpr:
		expr, generic = t.X, true
	case *ast.IndexListExpr:
		expr, generic = t.X, true
	}
	if id, ok := expr.(*ast.Ident); ok {
		return id.Name, pointer, generic
	}
	return "", pointer, generic
}

func describe(fd *ast.FuncDecl, fset *token.FileSet, srcRoot string) Func {
	pos := func(p token.Pos) string {
		position := fset.Position(p)
		file := position.Filename
		if rel, err := filepath.Rel(srcRoot, file); err == nil && !strings.HasPrefix(rel, "..") {
			file = filepath.ToSlash(rel)
		}
		return fmt.Sprintf("%s:%d:%d", file, position.Line, position.Column)
	}
	fn := Func{Key: fd.Name.Name, Params: []Param{}, HasBody: fd.Body != nil}
	if fd.Recv != nil {
		field := fd.Recv.List[0]
		base, pointer, _ := receiverType(field.Type)
		fn.Key = base + "." + fd.Name.Name
		if pointer {
			fn.Key = "(*" + base + ")." + fd.Name.Name
		}
		recv := fieldParams(field, pos)[0]
		fn.Receiver = &recv
	}
	for _, field := range fd.Type.Params.List {
		fn.Params = append(fn.Params, fieldParams(field, pos)...)
		_, fn.Variadic = field.Type.(*ast.Ellipsis)
	}
	fn.Results = resultNames(fd.Type.Results)
	return fn
}

// fieldParams expands `a, b *T` into one Param per name; an unnamed field is one blank Param
// positioned at its type, which is where the compiler would report on it.
func fieldParams(field *ast.Field, pos func(token.Pos) string) []Param {
	pointers := visiblyPointers(field.Type)
	if len(field.Names) == 0 {
		return []Param{{Name: "_", Pos: pos(field.Type.Pos()), Blank: true, Pointers: pointers}}
	}
	params := make([]Param, 0, len(field.Names))
	for _, name := range field.Names {
		params = append(params, Param{Name: name.Name, Pos: pos(name.Pos()), Blank: name.Name == "_", Pointers: pointers})
	}
	return params
}

// visiblyPointers reports whether a type holds pointers by its syntax alone; named types other
// than string, error and any are not resolved and count as unknown (false).
func visiblyPointers(expr ast.Expr) bool {
	switch t := expr.(type) {
	case *ast.StarExpr, *ast.MapType, *ast.ChanType, *ast.FuncType, *ast.InterfaceType, *ast.Ellipsis:
		return true
	case *ast.ArrayType:
		return t.Len == nil // a slice; an array holds pointers only if its element does
	case *ast.Ident:
		return t.Name == "string" || t.Name == "error" || t.Name == "any"
	}
	return false
}

// resultNames gives each result the name the compiler prints in "to result X": its declared
// name, or ~rN (N is the result's index) for unnamed and blank results, as ir.Func.DeclareParams
// names them.
func resultNames(results *ast.FieldList) []string {
	if results == nil {
		return nil
	}
	var names []string
	for _, field := range results.List {
		if len(field.Names) == 0 {
			names = append(names, fmt.Sprintf("~r%d", len(names)))
			continue
		}
		for _, name := range field.Names {
			if name.Name == "_" {
				names = append(names, fmt.Sprintf("~r%d", len(names)))
			} else {
				names = append(names, name.Name)
			}
		}
	}
	return names
}
