// spdx-check FILE: check an SPDX 2.3 JSON document with the SPDX project's
// own Go library (github.com/spdx/tools-golang, Debian's
// golang-github-spdx-tools-golang-dev), built by tests/e2e/packages.sh in
// GOPATH mode from the Debian packages:
//   - the library reads it (its typed readers refuse a malformed SPDX
//     identifier, checksum, supplier or external reference);
//   - spdxlib.ValidateDocument: every relationship names an element of the
//     document;
//   - spdxlib.GetDescribedPackageIDs: the document describes a package;
//   - written back by the library, every field of the file is there with the
//     same value, so no field is one SPDX 2.3 does not define (the library
//     drops those) and no value was read as something else (documentDescribes
//     comes back as the DESCRIBES relationships it stands for).
// Prints each finding; exit 1 if any, 2 if FILE cannot be read.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"sort"

	spdxjson "github.com/spdx/tools-golang/json"
	"github.com/spdx/tools-golang/spdxlib"
)

var findings int

func finding(format string, a ...interface{}) {
	findings++
	fmt.Printf(format+"\n", a...)
}

// same reports every value of a (what the file holds) that b (what the
// library wrote back) lacks or holds differently.
func same(path string, a, b interface{}) {
	switch av := a.(type) {
	case map[string]interface{}:
		bv, ok := b.(map[string]interface{})
		if !ok {
			finding("%s: an object, read back as %T", path, b)
			return
		}
		keys := make([]string, 0, len(av))
		for k := range av {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if _, ok := bv[k]; !ok {
				finding("%s/%s: not a field the SPDX library reads (dropped on the way back)", path, k)
				continue
			}
			same(path+"/"+k, av[k], bv[k])
		}
	case []interface{}:
		bv, ok := b.([]interface{})
		if !ok || len(bv) != len(av) {
			finding("%s: %d elements, read back as %v", path, len(av), b)
			return
		}
		for i := range av {
			same(fmt.Sprintf("%s[%d]", path, i), av[i], bv[i])
		}
	default:
		if !reflect.DeepEqual(a, b) {
			finding("%s: %v, read back as %v", path, a, b)
		}
	}
}

// describes: the library reads documentDescribes (an SPDX 2.3 JSON field)
// as DESCRIBES relationships of the document, and writes those back instead.
// Each listed element must come back as one; documentDescribes leaves the
// file's side, and a relationship the library added for it (one the file
// did not also state) leaves the other side, before the comparison.
func describes(a, b interface{}) {
	am, _ := a.(map[string]interface{})
	bm, _ := b.(map[string]interface{})
	ids, ok := am["documentDescribes"].([]interface{})
	if !ok || bm == nil {
		return
	}
	delete(am, "documentDescribes")
	isDescribes := func(r interface{}, id interface{}) bool {
		rm, _ := r.(map[string]interface{})
		return rm["spdxElementId"] == "SPDXRef-DOCUMENT" && rm["relationshipType"] == "DESCRIBES" &&
			rm["relatedSpdxElement"] == id
	}
	arels, _ := am["relationships"].([]interface{})
	brels, _ := bm["relationships"].([]interface{})
	for _, id := range ids {
		na, nb := 0, 0
		for _, r := range arels {
			if isDescribes(r, id) {
				na++
			}
		}
		for _, r := range brels {
			if isDescribes(r, id) {
				nb++
			}
		}
		if nb == 0 {
			finding("/documentDescribes: %v, read back as no DESCRIBES relationship", id)
			continue
		}
		for k := len(brels) - 1; k >= 0 && nb > na; k-- {
			if isDescribes(brels[k], id) {
				brels = append(brels[:k], brels[k+1:]...)
				nb--
			}
		}
	}
	if len(brels) == 0 {
		delete(bm, "relationships")
	} else {
		bm["relationships"] = brels
	}
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: spdx-check FILE")
		os.Exit(2)
	}
	raw, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	doc, err := spdxjson.Read(bytes.NewReader(raw))
	if err != nil {
		fmt.Printf("%s: the SPDX library cannot read it: %v\n", os.Args[1], err)
		os.Exit(1)
	}
	if err := spdxlib.ValidateDocument(doc); err != nil {
		finding("relationships: %v", err)
	}
	described, err := spdxlib.GetDescribedPackageIDs(doc)
	if err != nil {
		finding("described packages: %v", err)
	}
	var out bytes.Buffer
	if err := spdxjson.Write(doc, &out); err != nil {
		finding("the SPDX library cannot write it back: %v", err)
	} else {
		var a, b interface{}
		if err := json.Unmarshal(raw, &a); err != nil {
			finding("not JSON: %v", err)
		} else if err := json.Unmarshal(out.Bytes(), &b); err != nil {
			finding("written back, not JSON: %v", err)
		} else {
			describes(a, b)
			same("", a, b)
		}
	}
	if findings > 0 {
		os.Exit(1)
	}
	fmt.Printf("%s: read, validated and written back unchanged by the SPDX library (%s, %d packages, %d relationships, describes %d)\n",
		os.Args[1], doc.SPDXVersion, len(doc.Packages), len(doc.Relationships), len(described))
}
