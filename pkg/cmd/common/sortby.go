package common

import (
	"encoding/json"
	"fmt"
	"reflect"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/util/jsonpath"
	"k8s.io/kubectl/pkg/cmd/get"
)

// SortItems sorts the items of a list object by a JSONPath expression on
// their printed fields (docs/output.md), as `kubectl get --sort-by` does and
// with its sorter: `.params.dropout`, `{.restarts}`, `.created`. Items
// without the field come first. The values must all be numbers or all
// strings; anything else is an error naming --sort-by.
func SortItems[T any](items []T, field string) error {
	if field == "" || len(items) == 0 {
		return nil
	}
	objs := make([]runtime.Object, len(items))
	for i := range items {
		data, err := json.Marshal(items[i])
		if err != nil {
			return err
		}
		var m map[string]any // numbers as float64: one comparable kind
		if err := json.Unmarshal(data, &m); err != nil {
			return err
		}
		objs[i] = &unstructured.Unstructured{Object: m}
	}
	expr, err := get.RelaxedJSONPathExpression(field)
	if err != nil {
		return fmt.Errorf("--sort-by: %w", err)
	}
	if err := sortable(objs, expr, field); err != nil {
		return err
	}
	sorter, err := get.SortObjects(nil, objs, field)
	if err != nil {
		return fmt.Errorf("--sort-by: %s", lowerFirst(err.Error()))
	}
	sorted := make([]T, len(items))
	for i := range sorted {
		sorted[i] = items[sorter.OriginalPosition(i)]
	}
	copy(items, sorted)
	return nil
}

// sortable checks that kubectl's sorter can compare the field's values: it
// exits the process on values of mixed or unsortable kinds.
func sortable(objs []runtime.Object, expr, field string) error {
	parser := jsonpath.New("sort-by").AllowMissingKeys(true)
	if err := parser.Parse(expr); err != nil {
		return fmt.Errorf("--sort-by: %w", err)
	}
	seen := ""
	for _, o := range objs {
		values, err := parser.FindResults(o.(*unstructured.Unstructured).Object)
		if err != nil {
			return fmt.Errorf("--sort-by: %w", err)
		}
		if len(values) == 0 || len(values[0]) == 0 {
			continue
		}
		v := values[0][0]
		for v.Kind() == reflect.Interface && !v.IsNil() {
			v = v.Elem()
		}
		kind := ""
		switch v.Kind() {
		case reflect.Float64:
			kind = "number"
		case reflect.String:
			kind = "string"
		case reflect.Interface: // null
			continue
		default:
			return fmt.Errorf("--sort-by: %s is a %s; sort by a field holding a number or a string", field, v.Kind())
		}
		if seen != "" && kind != seen {
			return fmt.Errorf("--sort-by: %s holds both numbers and strings", field)
		}
		seen = kind
	}
	return nil
}
