package common

import (
	"io"

	batchv1 "k8s.io/api/batch/v1"
	"k8s.io/cli-runtime/pkg/printers"
)

// PrintJobs prints Jobs as kubectl does for -o yaml|json|name: YAML
// documents separated by ---, a JSON List, or resource/name lines.
func PrintJobs(w io.Writer, format string, jobs []*batchv1.Job) error {
	for _, j := range jobs {
		// Objects read from the server have an empty TypeMeta.
		j.APIVersion, j.Kind = "batch/v1", "Job"
	}
	switch format {
	case "name":
		p := printers.NamePrinter{}
		for _, j := range jobs {
			if err := p.PrintObj(j, w); err != nil {
				return err
			}
		}
		return nil
	case "yaml":
		p := printers.YAMLPrinter{}
		for _, j := range jobs {
			if err := p.PrintObj(j, w); err != nil {
				return err
			}
		}
		return nil
	}
	list := &batchv1.JobList{}
	list.APIVersion, list.Kind = "v1", "List"
	for _, j := range jobs {
		list.Items = append(list.Items, *j)
	}
	return (&printers.JSONPrinter{}).PrintObj(list, w)
}
