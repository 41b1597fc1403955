// irctl-http.so: irctl serve's HTTP server, cpp-httplib behind the plain C
// interface of http/abi.h (why a module: see there). It parses HTTP, keeps
// connections, applies the limits and hands each request to irctl; it knows
// nothing of alerts or incidents.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <exception>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>

#include "http/abi.h"

struct irctl_http_response {
  httplib::Response* response;
};

struct irctl_http_server {
  std::unique_ptr<httplib::Server> server;
  irctl_http_options options{};
  int port = 0;
  // stop() may come before run() has started listening, or while it starts:
  // it must neither be lost nor wait for a listen that never comes.
  std::atomic<bool> stop_requested{false};
  std::atomic<bool> run_entered{false};
  std::atomic<bool> run_finished{false};
};

namespace {

// A request as the C side sees it: views of cpp-httplib's strings, which
// live as long as the call.
class RequestView {
 public:
  explicit RequestView(const httplib::Request& req) {
    headers_.reserve(req.headers.size());
    for (const auto& [name, value] : req.headers) headers_.push_back({name.c_str(), value.c_str()});
    view_ = {req.method.c_str(), req.path.c_str(), headers_.data(), headers_.size(), req.body.data(), req.body.size(),
             req.remote_addr.c_str()};
  }
  const irctl_http_request* get() const { return &view_; }

 private:
  std::vector<irctl_http_header> headers_;
  irctl_http_request view_{};
};

void set_status(irctl_http_response* r, int status) { r->response->status = status; }
void add_header(irctl_http_response* r, const char* name, const char* value) { r->response->set_header(name, value); }
void set_body(irctl_http_response* r, const char* data, size_t size, const char* content_type) {
  r->response->set_content(data, size, content_type);
}
const irctl_http_responder kResponder = {set_status, add_header, set_body};

// Whether the request this worker thread is answering reached irctl's
// handler: the logger is called on the same thread, after the answer.
thread_local bool answered_by_handler = false;
// Whether the library itself refused the request this worker thread
// answered (a 400 for what is not HTTP, a 413): what follows on the
// connection is not a request either, so the connection ends.
thread_local bool refused_by_library = false;

// Two Content-Lengths, or one with Transfer-Encoding: a proxy in front may
// read the body's end otherwise than the library does, and pass a request
// hidden in the body (request smuggling, RFC 9112 section 6.3).
bool length_is_ambiguous(const httplib::Request& req) {
  const size_t lengths = req.get_header_value_count("Content-Length");
  return lengths > 1 || (lengths == 1 && req.has_header("Transfer-Encoding"));
}

void copy_message(char* error, size_t size, const std::string& message) {
  if (error && size) std::snprintf(error, size, "%s", message.c_str());
}

using Clock = std::chrono::steady_clock;

// What a request's head may take beyond its body: cpp-httplib 0.11 limits
// each header line (8 KiB) but not their number.
constexpr size_t kHeadBudget = 64 * 1024;
// How often a connection waiting for its next request looks whether the
// server is stopping.
constexpr int kStopCheckMs = 100;
// Requests a kept-alive connection may carry (cpp-httplib's default is 5):
// a sender keeps its connection for the next alert, as Alertmanager does.
constexpr int kKeepAliveRequests = 100;

// Waits until `fd` can be read (POLLIN) or written (POLLOUT), for at most
// `ms` milliseconds.
bool ready(int fd, short events, long long ms) {
  if (ms <= 0) return false;
  pollfd p{fd, events, 0};
  for (;;) {
    const int n = ::poll(&p, 1, static_cast<int>(std::min<long long>(ms, 1 << 30)));
    if (n < 0 && errno == EINTR) continue;
    return n > 0;
  }
}

// A connection's socket as cpp-httplib reads and writes it, with the limits
// its own stream lacks: each request must arrive whole (head and body)
// within the request timeout, not merely make progress within it at every
// read, and may be at most max_body plus kHeadBudget bytes. So a sender that
// drips a byte a second, or sends headers without end, holds a worker for
// one request timeout and one budget at most.
class WatchedStream final : public httplib::Stream {
 public:
  WatchedStream(int fd, const irctl_http_options& o) : fd_(fd), options_(o) {}

  /// Before each request of the connection.
  void start_request() {
    deadline_ = Clock::now() + std::chrono::milliseconds(options_.read_timeout_ms);
    budget_ = options_.max_body + kHeadBudget;
  }

  bool is_readable() const override { return pos_ < end_ || socket_readable(); }
  bool is_writable() const override { return ready(fd_, POLLOUT, options_.write_timeout_ms); }

  // cpp-httplib reads a request's head a byte at a time: the stream reads
  // the socket a buffer at a time, and keeps what is left (a pipelined
  // request) for the connection's next request.
  ssize_t read(char* data, size_t size) override {
    if (pos_ == end_) {
      if (budget_ == 0 || !socket_readable()) return -1;
      ssize_t n;
      do n = ::recv(fd_, buffer_, std::min(sizeof buffer_, budget_), 0);
      while (n < 0 && errno == EINTR);
      if (n <= 0) return n;
      budget_ -= static_cast<size_t>(n);
      pos_ = 0;
      end_ = static_cast<size_t>(n);
    }
    const size_t n = std::min(size, end_ - pos_);
    std::copy_n(buffer_ + pos_, n, data);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }
  ssize_t write(const char* data, size_t size) override {
    if (!is_writable()) return -1;
    for (;;) {
      const ssize_t n = ::send(fd_, data, size, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      return n;
    }
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override { address(::getpeername, ip, port); }
  void get_local_ip_and_port(std::string& ip, int& port) const override { address(::getsockname, ip, port); }
  socket_t socket() const override { return fd_; }

 private:
  template <class Get>
  void address(Get get, std::string& ip, int& port) const {
    sockaddr_storage a{};
    socklen_t len = sizeof a;
    ip.clear();
    port = 0;
    if (get(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) return;
    char text[INET6_ADDRSTRLEN] = "";
    if (a.ss_family == AF_INET) {
      const auto* v4 = reinterpret_cast<const sockaddr_in*>(&a);
      ::inet_ntop(AF_INET, &v4->sin_addr, text, sizeof text);
      port = ntohs(v4->sin_port);
    } else if (a.ss_family == AF_INET6) {
      const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&a);
      ::inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof text);
      port = ntohs(v6->sin6_port);
    }
    ip = text;
  }

  bool socket_readable() const {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now()).count();
    return ready(fd_, POLLIN, std::min<long long>(left, options_.read_timeout_ms));
  }

  int fd_;
  const irctl_http_options& options_;
  Clock::time_point deadline_{};
  size_t budget_ = 0;
  char buffer_[4096];
  size_t pos_ = 0, end_ = 0;
};

// cpp-httplib's server, with its connections served through WatchedStream:
// the keep-alive loop is the library's own, rewritten around it (the
// library's is private), and it ends early when the server stops.
class WatchedServer final : public httplib::Server {
 public:
  WatchedServer(const irctl_http_options& o, const std::atomic<bool>& stopping) : options_(o), stopping_(stopping) {}

 private:
  bool process_and_close_socket(socket_t fd) override {
    WatchedStream stream(fd, options_);
    // The first request has the request timeout to begin, the next ones
    // the idle timeout.
    auto wait = std::chrono::milliseconds(options_.read_timeout_ms);
    for (int left = kKeepAliveRequests; left > 0 && next_request_arrives(fd, wait); --left) {
      wait = std::chrono::seconds(options_.idle_timeout_s);
      stream.start_request();
      bool connection_closed = false;
      refused_by_library = false;
      if (!process_request(stream, left == 1, connection_closed, nullptr) || connection_closed) break;
      if (refused_by_library) break;
    }
    ::shutdown(fd, SHUT_RDWR);
    ::close(fd);
    return true;
  }

  // Whether a request starts within `wait`, before a stop.
  bool next_request_arrives(int fd, std::chrono::milliseconds wait) const {
    const auto until = Clock::now() + wait;
    for (;;) {
      if (stopping_) return false;
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count();
      if (left <= 0) return false;
      if (ready(fd, POLLIN, std::min<long long>(left, kStopCheckMs))) return true;
    }
  }

  const irctl_http_options& options_;
  const std::atomic<bool>& stopping_;
};

std::unique_ptr<httplib::Server> make_server(const irctl_http_server& self, std::string& why) {
  const irctl_http_options& o = self.options;
  if (o.tls_cert || o.tls_key) {
    auto tls = std::make_unique<httplib::SSLServer>(o.tls_cert ? o.tls_cert : "", o.tls_key ? o.tls_key : "");
    if (!tls->is_valid()) {
      why = "cannot use the TLS certificate and key (readable PEM files, the key matching the certificate?)";
      return nullptr;
    }
    return tls;
  }
  return std::make_unique<WatchedServer>(self.options, self.stop_requested);
}

void configure(httplib::Server& s, irctl_http_server* self) {
  const irctl_http_options& o = self->options;
  const auto threads = static_cast<size_t>(o.threads > 0 ? o.threads : 1);
  s.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  s.set_payload_max_length(o.max_body);
  s.set_read_timeout(o.read_timeout_ms / 1000, (o.read_timeout_ms % 1000) * 1000);
  s.set_write_timeout(o.write_timeout_ms / 1000, (o.write_timeout_ms % 1000) * 1000);
  s.set_keep_alive_timeout(o.idle_timeout_s);
  s.set_keep_alive_max_count(kKeepAliveRequests);  // for TLS, which keeps the library's loop
  // cpp-httplib writes an answer's headers and body in two sends; with
  // Nagle's algorithm on, the body of every answer after a connection's
  // first waited for the client's delayed ACK, 40 ms (bench/serve).
  s.set_tcp_nodelay(true);
  // SO_REUSEADDR (a restarted server may bind at once) but not the
  // library's SO_REUSEPORT, with which a second server on the same port
  // would start and take half the connections.
  s.set_socket_options([](socket_t sock) {
    const int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  // Every request, whatever its path, goes to irctl's handler, once its
  // body is read (a pre-routing handler would come before the body).
  const auto to_irctl = [self](const httplib::Request& req, httplib::Response& res) {
    const RequestView view(req);
    irctl_http_response response{&res};
    answered_by_handler = true;
    self->options.handler(self->options.context, view.get(), &response, &kResponder);
  };
  // Bodies are read by irctl's own reader: the library's would refuse a
  // form-encoded body (curl's default Content-Type) past 8 KiB, a limit
  // compiled into Debian's build, where max_body is the only limit meant.
  // The library checks max_body against Content-Length only, so a chunked
  // body is counted here as it comes. Past max_body the rest is read and
  // dropped, so that the connection's next request starts where it should
  // (up to 16 times max_body: beyond, the connection is given up).
  const size_t max_body = self->options.max_body;
  const auto reading_body = [to_irctl, max_body](const httplib::Request& req, httplib::Response& res,
                                                 const httplib::ContentReader& read) {
    if (length_is_ambiguous(req)) {
      res.status = 400;
      refused_by_library = true;  // where this body ends is unknown: so is where the next request starts
      return;
    }
    httplib::Request whole = req;
    size_t received = 0;
    const bool complete = read([&](const char* data, size_t size) {
      received += size;
      if (received <= max_body) whole.body.append(data, size);
      return received <= 16 * max_body;
    });
    if (received > max_body) res.status = 413;
    // Cut short otherwise: the library has set the status (400), and the
    // answer is its own.
    else if (complete) to_irctl(whole, res);
  };
  const std::string any_path = ".*";
  s.Get(any_path, to_irctl);
  s.Options(any_path, to_irctl);
  s.Post(any_path, reading_body);
  s.Put(any_path, reading_body);
  s.Patch(any_path, reading_body);
  s.Delete(any_path, reading_body);
  s.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    res.status = 500;
    res.set_content("internal error\n", "text/plain; charset=utf-8");
  });
  s.set_logger([self](const httplib::Request& req, const httplib::Response& res) {
    const bool by_handler = answered_by_handler;
    answered_by_handler = false;
    refused_by_library = !by_handler && res.status >= 400;
    if (!self->options.logger) return;
    const RequestView view(req);
    self->options.logger(self->options.context, view.get(), res.status, by_handler ? 1 : 0);
  });
}

}  // namespace

extern "C" {

int irctl_http_abi(void) { return IRCTL_HTTP_ABI; }

irctl_http_server* irctl_http_bind(const irctl_http_options* options, char* error, size_t error_size) {
  try {
    auto self = std::make_unique<irctl_http_server>();
    self->options = *options;
    std::string why;
    self->server = make_server(*self, why);
    if (!self->server) {
      copy_message(error, error_size, why);
      return nullptr;
    }
    configure(*self->server, self.get());
    const std::string host = options->host ? options->host : "127.0.0.1";
    if (options->port == 0) {
      self->port = self->server->bind_to_any_port(host);
      if (self->port <= 0) {
        copy_message(error, error_size, "cannot listen on " + host + " (is it an address of this machine?)");
        return nullptr;
      }
    } else {
      if (!self->server->bind_to_port(host, options->port)) {
        copy_message(error, error_size,
                     "cannot listen on " + host + ":" + std::to_string(options->port) +
                         " (in use by another program, not an address of this machine, or a port below 1024?)");
        return nullptr;
      }
      self->port = options->port;
    }
    return self.release();
  } catch (const std::exception& e) {
    copy_message(error, error_size, e.what());
    return nullptr;
  }
}

int irctl_http_port(const irctl_http_server* server) { return server->port; }

int irctl_http_run(irctl_http_server* server) {
  server->run_entered = true;
  int status = 0;
  if (!server->stop_requested) {
    try {
      status = server->server->listen_after_bind() || server->stop_requested ? 0 : -1;
    } catch (...) {
      status = -1;
    }
  }
  server->run_finished = true;
  return status;
}

void irctl_http_stop(irctl_http_server* server) {
  server->stop_requested = true;
  while (server->run_entered && !server->run_finished) {
    if (server->server->is_running()) {
      server->server->stop();
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

void irctl_http_free(irctl_http_server* server) { delete server; }

}  // extern "C"
