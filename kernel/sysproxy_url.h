/*
 * sysproxy_url.h — the node address forms shared by rump_server and
 * librumpclient: unix://path (relative), unix:///abs/path, tcp://addr:port
 * (addr numeric IPv4, [IPv6] or "localhost").
 *
 * Contract: pure; 0 or -EINVAL (not one of the forms) / -ENAMETOOLONG
 * (unix path over 107 bytes).  On success *len is the sockaddr's length.
 */
#ifndef RUMPLAB_SYSPROXY_URL_H
#define RUMPLAB_SYSPROXY_URL_H

#include <sys/socket.h>

int sp_url_parse(const char *url, struct sockaddr_storage *ss,
        socklen_t *len);

#endif
