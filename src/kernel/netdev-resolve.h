/* Name a network device from what an operator types: a netdev name
 * ("eth0") or the PCI address of a PF ("0000:3b:00.0", whose netdev is
 * /sys/bus/pci/devices/ADDR/net/NAME).  Reads sysfs under a root. */
#pragma once

#include "base/macro.h"

/* The netdev name for `arg`.  Records a message naming arg when there is no
 * such device, or when a PCI device has no (or more than one) netdev. */
int netdev_resolve(const char *root, const char *arg, char **ret_ifname);

/* A name for the device behind a netdev that survives renames: the last
 * component of /sys/class/net/IFNAME/device (a PCI address for a PCI NIC),
 * or IFNAME itself when it has no device. */
int netdev_device_id(const char *root, const char *ifname, char **ret);
