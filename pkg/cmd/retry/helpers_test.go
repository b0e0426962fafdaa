package retry

import (
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

var errForbidden = apierrors.NewForbidden(schema.GroupResource{Resource: "nodes"}, "", nil)
