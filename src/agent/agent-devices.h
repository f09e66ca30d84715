/* The start-up check of vfnet-agent against the host: every PF of
 * physical_device_mappings exists and is an SR-IOV PF, and every address of
 * exclude_devices is a VF of its PF (Neutron's agent refuses both).  Reads
 * sysfs under ROOT (src/kernel). */
#pragma once

#include "agent/agent-config.h"
#include "base/ini.h"

/* 0, or -ENODEV / -EINVAL with one message naming the option's FILE:LINE
 * (taken from INI, the files the config was loaded from). */
int agent_devices_check(const char *root, const struct ini *ini, const struct agent_config *c);
