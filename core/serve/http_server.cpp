// irctl serve's HTTP server: the module's loading and the C interface's
// callbacks; see http_server.hpp and http/abi.h.
#include "core/serve/http_server.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "core/error.hpp"

namespace irctl {
namespace fs = std::filesystem;

std::optional<std::string_view> HttpRequest::header(std::string_view name) const {
  const auto same_letters = [](std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
             return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
  };
  for (const auto& [n, v] : headers)
    if (same_letters(n, name)) return v;
  return std::nullopt;
}

// The module's entry points, looked up once per process: the module stays
// loaded until irctl exits (unloading a library that started threads, and
// whose static objects still run at exit, gains nothing).
struct HttpServer::Module {
  decltype(&irctl_http_bind) bind = nullptr;
  decltype(&irctl_http_port) port = nullptr;
  decltype(&irctl_http_run) run = nullptr;
  decltype(&irctl_http_stop) stop = nullptr;
  decltype(&irctl_http_free) free = nullptr;
};

std::vector<std::string> http_module_candidates() {
  if (const char* explicit_path = std::getenv("IRCTL_HTTP_MODULE"); explicit_path && *explicit_path)
    return {explicit_path};
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  const fs::path dir = exe.parent_path();
  return {(dir / "irctl-http.so").string(), (dir / IRCTL_HTTP_MODULE_DIR / "irctl-http.so").lexically_normal().string()};
}

namespace {

template <class F>
F symbol(void* library, const char* name, const std::string& path) {
  void* s = dlsym(library, name);
  if (!s) throw Error(Errc::failure, path + " is not irctl's HTTP module: it has no " + name, "reinstall irctl");
  return reinterpret_cast<F>(s);
}

std::shared_ptr<const HttpServer::Module> load_module() {
  std::string tried;
  for (const auto& path : http_module_candidates()) {
    if (!fs::exists(path)) {
      tried += "\n  " + path + " (not there)";
      continue;
    }
    void* library = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!library) {
      tried += "\n  " + path + " (" + dlerror() + ")";
      continue;
    }
    const auto abi = symbol<decltype(&irctl_http_abi)>(library, "irctl_http_abi", path);
    if (abi() != IRCTL_HTTP_ABI)
      throw Error(Errc::failure, path + " was built for another version of irctl",
                  "install irctl and its module from the same build");
    auto m = std::make_shared<HttpServer::Module>();
    m->bind = symbol<decltype(m->bind)>(library, "irctl_http_bind", path);
    m->port = symbol<decltype(m->port)>(library, "irctl_http_port", path);
    m->run = symbol<decltype(m->run)>(library, "irctl_http_run", path);
    m->stop = symbol<decltype(m->stop)>(library, "irctl_http_stop", path);
    m->free = symbol<decltype(m->free)>(library, "irctl_http_free", path);
    return m;
  }
  throw Error(Errc::failure, "cannot load irctl's HTTP module, irctl-http.so; tried:" + tried,
              "install irctl's package whole (the module comes with the binary), or set IRCTL_HTTP_MODULE to its path");
}

std::shared_ptr<const HttpServer::Module> module() {
  static const std::shared_ptr<const HttpServer::Module> loaded = load_module();
  return loaded;
}

HttpRequest from_c(const irctl_http_request& r) {
  HttpRequest req;
  req.method = r.method;
  req.path = r.path;
  req.headers.reserve(r.header_count);
  for (size_t i = 0; i < r.header_count; ++i) req.headers.emplace_back(r.headers[i].name, r.headers[i].value);
  req.body = std::string_view(r.body, r.body_size);
  req.remote_addr = r.remote_addr;
  return req;
}

void answer(void* context, const irctl_http_request* request, irctl_http_response* response,
            const irctl_http_responder* responder) noexcept {
  const auto& handler = *static_cast<const HttpServer::Handler*>(context);
  HttpResponse res;
  try {
    res = handler(from_c(*request));
  } catch (...) {
    res = HttpResponse{500, "text/plain; charset=utf-8", {}, "internal error\n"};
  }
  try {
    responder->set_status(response, res.status);
    for (const auto& [name, value] : res.headers) responder->add_header(response, name.c_str(), value.c_str());
    responder->set_body(response, res.body.data(), res.body.size(), res.content_type.c_str());
  } catch (...) {
    responder->set_status(response, 500);
  }
}

}  // namespace

// The handler and the logger are passed to the module as one context: the
// server object itself, which outlives the module's server.
HttpServer::HttpServer(const HttpServerOptions& o, Handler handler, Logger logger)
    : module_(module()), handler_(std::move(handler)), logger_(std::move(logger)) {
  irctl_http_options c{};
  c.host = o.host.c_str();
  c.port = o.port;
  c.tls_cert = o.tls_cert.empty() ? nullptr : o.tls_cert.c_str();
  c.tls_key = o.tls_key.empty() ? nullptr : o.tls_key.c_str();
  c.max_body = o.max_body;
  c.threads = o.threads;
  c.read_timeout_ms = o.read_timeout_ms;
  c.write_timeout_ms = o.write_timeout_ms;
  c.idle_timeout_s = o.idle_timeout_s;
  c.handler = [](void* self, const irctl_http_request* req, irctl_http_response* res,
                 const irctl_http_responder* responder) {
    answer(&static_cast<HttpServer*>(self)->handler_, req, res, responder);
  };
  c.logger = [](void* self, const irctl_http_request* req, int status, int by_handler) {
    if (by_handler) return;  // the handler logs its own answers, knowing more
    try {
      const auto& log = static_cast<HttpServer*>(self)->logger_;
      if (log) log(from_c(*req), status);
    } catch (...) {  // a log line lost is better than a server stopped
    }
  };
  c.context = this;
  char error[512] = "";
  server_ = module_->bind(&c, error, sizeof error);
  if (!server_) {
    const bool tls = !o.tls_cert.empty() || !o.tls_key.empty();
    throw Error(tls && std::string(error).find("TLS") != std::string::npos ? Errc::usage : Errc::failure, error);
  }
}

HttpServer::~HttpServer() {
  if (server_) module_->free(server_);
}

int HttpServer::port() const { return module_->port(server_); }

void HttpServer::run() {
  if (module_->run(server_) != 0) throw Error(Errc::failure, "the HTTP server stopped on an error");
}

void HttpServer::stop() { module_->stop(server_); }

}  // namespace irctl
