/* The interface between irctl and its HTTP module (irctl-http.so).
 *
 * irctl serve needs an HTTP server; no other command does. Debian ships
 * cpp-httplib only as a shared library, which brings libssl, zlib and brotli
 * with it: linked into irctl, they would be loaded by every start of every
 * command (1.4 ms to 5.4 ms for `irctl --version`, bench/README.md). So the
 * server lives in a module that only `irctl serve` loads (dlopen), built
 * against cpp-httplib. The two sides share no C++ object, allocator or
 * exception: irctl links its C++ runtime in and the module uses the
 * system's. Everything that crosses is plain C, and each side frees what it
 * allocated. Both sides are built from this tree, so the interface only has
 * to match itself: IRCTL_HTTP_ABI changes when it changes. */
#ifndef IRCTL_HTTP_ABI_H
#define IRCTL_HTTP_ABI_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define IRCTL_HTTP_ABI 1

typedef struct irctl_http_header {
  const char* name;
  const char* value;
} irctl_http_header;

/* A request, valid during the call it is passed to. Strings end with NUL;
 * the body may hold NULs, so it has a size. */
typedef struct irctl_http_request {
  const char* method;
  const char* path; /* without the query string */
  const irctl_http_header* headers;
  size_t header_count;
  const char* body;
  size_t body_size;
  const char* remote_addr;
} irctl_http_request;

/* The module's response under construction, filled through the responder. */
typedef struct irctl_http_response irctl_http_response;
typedef struct irctl_http_responder {
  void (*set_status)(irctl_http_response* response, int status);
  void (*add_header)(irctl_http_response* response, const char* name, const char* value);
  void (*set_body)(irctl_http_response* response, const char* data, size_t size, const char* content_type);
} irctl_http_responder;

/* Answers a request; called on the module's worker threads, several at once.
 * Must not throw. */
typedef void (*irctl_http_handler)(void* context, const irctl_http_request* request, irctl_http_response* response,
                                   const irctl_http_responder* responder);
/* Called once per answered request, the library's own answers included (a
 * 413 for a body past max_body, a 400 for a malformed request):
 * by_handler is 0 for those, 1 for the handler's own. */
typedef void (*irctl_http_logger)(void* context, const irctl_http_request* request, int status, int by_handler);

typedef struct irctl_http_options {
  const char* host;
  int port; /* 0: any free port (irctl_http_port says which) */
  const char* tls_cert; /* both NULL: plain HTTP */
  const char* tls_key;
  size_t max_body;
  int threads; /* requests answered at once; others wait their turn */
  int read_timeout_ms;
  int write_timeout_ms;
  int idle_timeout_s; /* how long a kept-alive connection may wait for its next request */
  irctl_http_handler handler;
  irctl_http_logger logger;
  void* context;
} irctl_http_options;

typedef struct irctl_http_server irctl_http_server;

/* IRCTL_HTTP_ABI, as the module was built. */
int irctl_http_abi(void);
/* Binds the address. NULL on failure, with the reason in error. */
irctl_http_server* irctl_http_bind(const irctl_http_options* options, char* error, size_t error_size);
/* The port bound. */
int irctl_http_port(const irctl_http_server* server);
/* Answers requests until irctl_http_stop; returns once the requests being
 * answered are answered. 0, or -1 when the server failed. */
int irctl_http_run(irctl_http_server* server);
/* From any thread: stop accepting connections, and make run return. */
void irctl_http_stop(irctl_http_server* server);
void irctl_http_free(irctl_http_server* server);

#ifdef __cplusplus
}
#endif

#endif
