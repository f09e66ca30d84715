#!/usr/bin/env bash
# Brings up vfnet's main job on this machine: installs what is missing,
# builds, then boots the kernel testbed (a Debian kernel in QEMU with an
# emulated IOMMU, an NVMe SR-IOV PF and netdevsim SR-IOV NICs) and shows
# what vfnet sees there: `vfnet pci list` and `vfnet host check`, then a
# second machine with the seed's Intel 82576 (VFs from `modprobe igb
# max_vfs=7`, listed, checked, programmed on igb, then vfnet-server and
# vfnet-agent together in that machine through the seed's workflow: a
# server booted with a direct port, its VF programmed, deleted).  Before
# that it starts vfnet-server (scripts/server-up.sh) and runs the seed's port
# workflow against it with the `openstack` CLI.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh
scripts/build.sh normal
scripts/server-up.sh
exec tests/vm/testbed.sh demo
