# Dev cluster targets; the root Makefile includes this file (include hack/devcluster.mk).
# The tool is a Go program in its own module (hack/devcluster) so the plugin's go.mod never
# depends on k8s.io/kubernetes. All state lives in $(MLEXP_DEV_DIR), outside the repository.

MLEXP_DEV_DIR ?= /var/lib/mlexp-dev
export MLEXP_DEV_DIR

DEVCLUSTER_DIR := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))devcluster)
DEVCLUSTER := cd $(DEVCLUSTER_DIR) && go run .
TOOLBOX_IMAGE ?= localhost/mlexp/toolbox:dev

SKEW_KUBE_VERSION ?= v1.34.4

.PHONY: dev-cluster dev-cluster-down dev-cluster-purge dev-cluster-status dev-cluster-env toolbox-image plugin-image devcluster-test \
	dev-cluster-stop dev-cluster-start dev-cluster-restart dev-cluster-recovery-test e2e-skew

## dev-cluster: build what is missing, start the single-node cluster, wait until Ready (idempotent)
dev-cluster:
	$(DEVCLUSTER) up

## dev-cluster-down: stop the cluster; no process, mount, link or cgroup is left (keeps the binary cache)
dev-cluster-down:
	$(DEVCLUSTER) down

## dev-cluster-purge: like dev-cluster-down, and remove $(MLEXP_DEV_DIR) with the binary cache
dev-cluster-purge:
	$(DEVCLUSTER) down --purge

## dev-cluster-status [WAIT=3m]: show each component, its pid, and the node (exit 1 unless all is up; WAIT asks again until then)
dev-cluster-status:
	$(DEVCLUSTER) status $(if $(WAIT),--wait $(WAIT))

## dev-cluster-stop NAME=kubelet [KILL=1]: stop one component (SIGTERM; SIGKILL at once with KILL=1); the rest runs on
dev-cluster-stop:
	$(DEVCLUSTER) stop $(NAME) $(if $(KILL),--kill)

## dev-cluster-start NAME=kubelet: start one stopped component and wait until it is healthy
dev-cluster-start:
	$(DEVCLUSTER) start $(NAME)

## dev-cluster-restart NAME=kube-apiserver: stop and start one component
dev-cluster-restart:
	$(DEVCLUSTER) restart $(NAME)

## dev-cluster-recovery-test: kill -9 every component (a reboot) with Jobs in the cluster; up must bring them back
dev-cluster-recovery-test:
	bash hack/devcluster-recovery-test.sh

## e2e-skew: run the e2e suite on Kubernetes $(SKEW_KUBE_VERSION) (wipes the cluster's data), then bring the default version back
e2e-skew:
	bash hack/e2e-skew.sh $(SKEW_KUBE_VERSION)

## dev-cluster-env: print the exports for the dev kubectl (eval "$$(make -s dev-cluster-env)")
dev-cluster-env:
	@$(DEVCLUSTER) env

## toolbox-image: (re)build localhost/mlexp/toolbox:dev (busybox + sh) into the cluster's containerd
toolbox-image:
	$(DEVCLUSTER) image --name $(TOOLBOX_IMAGE) --busybox --cmd /bin/sh

## plugin-image: build the plugin (static) from the working tree into localhost/mlexp/kubectl-mlexp:dev in the cluster's containerd (entrypoint /usr/local/bin/kubectl-mlexp)
plugin-image:
	$(DEVCLUSTER) plugin-image --src $(CURDIR)

## devcluster-test: unit tests of the dev cluster tool
devcluster-test:
	cd $(DEVCLUSTER_DIR) && go vet . && go test ./...
