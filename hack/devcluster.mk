# Dev cluster targets; the root Makefile includes this file (include hack/devcluster.mk).
# The tool is a Go program in its own module (hack/devcluster) so the plugin's go.mod never
# depends on k8s.io/kubernetes. All state lives in $(MLEXP_DEV_DIR), outside the repository.

MLEXP_DEV_DIR ?= /var/lib/mlexp-dev
export MLEXP_DEV_DIR

DEVCLUSTER_DIR := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))devcluster)
DEVCLUSTER := cd $(DEVCLUSTER_DIR) && go run .
TOOLBOX_IMAGE ?= localhost/mlexp/toolbox:dev

.PHONY: dev-cluster dev-cluster-down dev-cluster-purge dev-cluster-status dev-cluster-env toolbox-image devcluster-test

## dev-cluster: build what is missing, start the single-node cluster, wait until Ready (idempotent)
dev-cluster:
	$(DEVCLUSTER) up

## dev-cluster-down: stop the cluster; no process, mount, link or cgroup is left (keeps the binary cache)
dev-cluster-down:
	$(DEVCLUSTER) down

## dev-cluster-purge: like dev-cluster-down, and remove $(MLEXP_DEV_DIR) with the binary cache
dev-cluster-purge:
	$(DEVCLUSTER) down --purge

## dev-cluster-status: show each component, its pid, and the node (exit 1 unless all is up)
dev-cluster-status:
	$(DEVCLUSTER) status

## dev-cluster-env: print the exports for the dev kubectl (eval "$$(make -s dev-cluster-env)")
dev-cluster-env:
	@$(DEVCLUSTER) env

## toolbox-image: (re)build localhost/mlexp/toolbox:dev (busybox + sh) into the cluster's containerd
toolbox-image:
	$(DEVCLUSTER) image --name $(TOOLBOX_IMAGE) --busybox --cmd /bin/sh

## devcluster-test: unit tests of the dev cluster tool
devcluster-test:
	cd $(DEVCLUSTER_DIR) && go vet . && go test ./...
