/*
 * netcfg.c — where the kernel core finds the network configuration
 * operations (interfaces; routes and neighbours).  Registered by the
 * netinet component's init (main thread, before the node serves) and only
 * read afterwards: no lock.
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

static const struct rtcfg_ops *rtcfg_ops;

void
rtcfg_register(const struct rtcfg_ops *ops)
{
	rtcfg_ops = ops;
}

const struct rtcfg_ops *
rtcfg(void)
{
	return rtcfg_ops;
}
