// Typed entry points into libmicrohttpd for the calls Swift cannot make: the daemon
// start function and the connection-information query are both variadic. Every symbol
// carries the `csnap_mhd_` prefix so a reader sees at once that C is involved. This
// target exists apart from CSnapShim because CSnapShim must link no library.
#ifndef CSNAP_MHD_H
#define CSNAP_MHD_H

#include <microhttpd.h>
#include <stddef.h>

/// Starts a libmicrohttpd daemon on an already bound and listening socket, with an
/// internal epoll thread pool of `threads` threads, suspend/resume allowed, idle
/// connections closed after `timeout_seconds`, `connection_memory` bytes of
/// header and buffer memory per connection, and `notify` told of every connection opened
/// and closed (MHD_start_daemon(3)).
/// Returns the daemon handle, or NULL when libmicrohttpd refuses the configuration.
struct MHD_Daemon *csnap_mhd_start(
    int listen_fd,
    unsigned int threads,
    unsigned int timeout_seconds,
    size_t connection_memory,
    MHD_AccessHandlerCallback handler,
    void *handler_context,
    MHD_RequestCompletedCallback completed,
    void *completed_context,
    MHD_NotifyConnectionCallback notify,
    void *notify_context);

/// Returns the socket descriptor of a connection (MHD_CONNECTION_INFO_CONNECTION_FD),
/// or -1 when libmicrohttpd cannot tell.
int csnap_mhd_connection_fd(struct MHD_Connection *connection);

#endif
