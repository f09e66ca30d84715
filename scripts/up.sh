#!/usr/bin/env bash
# Brings up vfnet's main job on this machine: installs what is missing,
# builds, then boots the kernel testbed (a Debian kernel in QEMU with an
# emulated IOMMU, an NVMe SR-IOV PF and netdevsim SR-IOV NICs) and shows
# what vfnet sees there: `vfnet pci list` and `vfnet host check`.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh
scripts/build.sh normal
exec tests/vm/testbed.sh demo
