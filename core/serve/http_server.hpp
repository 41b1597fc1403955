#pragma once
// irctl serve's HTTP server, as the rest of irctl sees it: the module
// irctl-http.so (http/abi.h says why it is one), loaded when a server is
// made, behind C++ types.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/abi.h"

namespace irctl {

struct HttpRequest {
  std::string_view method;
  std::string_view path;
  std::vector<std::pair<std::string_view, std::string_view>> headers;
  std::string_view body;
  std::string_view remote_addr;
  /// The first header of this name, compared without regard to case.
  std::optional<std::string_view> header(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  int port = 9095;  ///< 0: any free port
  std::string tls_cert, tls_key;  ///< both empty: plain HTTP
  size_t max_body = 1 << 20;  ///< past it, 413
  int threads = 8;
  int read_timeout_ms = 10000;
  int write_timeout_ms = 10000;
  int idle_timeout_s = 5;
};

class HttpServer {
 public:
  /// Called on the server's threads, several at once; what it throws
  /// becomes a 500.
  using Handler = std::function<HttpResponse(const HttpRequest&)>;
  /// The requests the module answers without the handler (a 413 past
  /// max_body, a 400 for what is not HTTP): the handler logs its own.
  using Logger = std::function<void(const HttpRequest&, int status)>;

  /// Loads the module and binds the address; throws Error(Errc::failure)
  /// when the module cannot be loaded or the address bound (Errc::usage for
  /// an unusable certificate).
  HttpServer(const HttpServerOptions& options, Handler handler, Logger logger);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const;
  /// Answers requests until stop(); returns once those being answered are.
  void run();
  /// From any thread.
  void stop();

  struct Module;

 private:
  std::shared_ptr<const Module> module_;
  Handler handler_;
  Logger logger_;
  irctl_http_server* server_ = nullptr;
};

/// Where the module is looked for: $IRCTL_HTTP_MODULE, else beside the
/// irctl binary (the build tree), else in the installed tree's
/// lib/irctl/modules.
std::vector<std::string> http_module_candidates();

}  // namespace irctl
