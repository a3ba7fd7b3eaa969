/*
 * netnode.h — one emulated node for the netcomp tests: a process that
 * boots the kernel core's component registry with netcomp's components
 * and obeys one-line commands from a pipe, answering each with one line
 * ("ok ..." or "err ...").  The commands drive the node the way rump_server
 * would, through component_load(), netcfg() and ksock(); the command set
 * is listed at the top of netnode.c.
 */
#ifndef RUMPLAB_TESTS_NETNODE_H
#define RUMPLAB_TESTS_NETNODE_H

/* Runs the command loop on the given descriptors; never returns. */
void netnode_run(int in, int out) __attribute__((noreturn));

#endif
