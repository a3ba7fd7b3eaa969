/*
 * ksock.c — where the kernel core finds its socket backend.  Registered once
 * by a network component's init (main thread, before the node serves) and
 * only read afterwards, so the pointer needs no lock.
 */
#include <stddef.h>

#include "kernel/ksock.h"

static const struct ksock_ops *ksock_ops;

void
ksock_register(const struct ksock_ops *ops)
{
	ksock_ops = ops;
}

const struct ksock_ops *
ksock(void)
{
	return ksock_ops;
}
