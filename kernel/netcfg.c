/*
 * netcfg.c — where the kernel core finds the network configuration
 * operations.  Registered by the netinet component's init (main thread,
 * before the node serves) and only read afterwards: no lock.
 */
#include <stddef.h>

#include "kernel/netcfg.h"

static const struct netcfg_ops *netcfg_ops;

void
netcfg_register(const struct netcfg_ops *ops)
{
	netcfg_ops = ops;
}

const struct netcfg_ops *
netcfg(void)
{
	return netcfg_ops;
}
