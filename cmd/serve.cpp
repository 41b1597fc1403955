// irctl serve: receive alerting systems' webhooks over HTTP and record them
// as incidents (core/serve/receiver.hpp). This file reads the flags and
// [serve], writes the log lines, and turns SIGTERM, SIGINT and SIGHUP into a stop.

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <thread>

#include "cmd/commands.hpp"
#include "cmd/output.hpp"
#include "core/serve/receiver.hpp"
#include "core/store/repository.hpp"
#include "core/util/text.hpp"
#include "core/util/time.hpp"

namespace irctl::cli {
namespace {

// What the flags give; each one unset leaves [serve]'s value.
struct ServeFlags {
  std::optional<std::string> listen;
  std::vector<std::string> token_files;
  bool insecure_no_auth = false;
  std::optional<std::string> tls_cert, tls_key;
  std::optional<std::string> log_format;
  std::optional<int> max_queue, max_connections, request_timeout, idle_timeout, shutdown_timeout;
  bool no_push = false;
  std::optional<std::string> remote;
};

// A log line's value as text: bare when it is one word, else in JSON's
// double quotes, so that a line splits into its fields without doubt.
std::string text_value(const Json& v) {
  if (!v.is_string()) return v.dump();
  const std::string& s = v.get_ref<const std::string&>();
  const bool bare = !s.empty() && s.find_first_of(" \"=\\") == std::string::npos;
  return bare ? s : Json(s).dump();
}

class LogWriter {
 public:
  LogWriter(std::ostream& out, bool json) : out_(out), json_(json) {}
  void operator()(const LogRecord& r) {
    std::string line;
    if (json_) {
      Json j = {{"time", format_rfc3339(r.at)}, {"event", r.event}};
      for (const auto& [k, v] : r.fields) j[k] = v;
      line = j.dump(-1, ' ', false, Json::error_handler_t::replace);
    } else {
      line = format_rfc3339(r.at) + " " + r.event;
      for (const auto& [k, v] : r.fields) line += " " + k + "=" + text_value(v);
    }
    const std::lock_guard lock(guard_);
    out_ << line << "\n" << std::flush;
  }

 private:
  std::ostream& out_;
  bool json_;
  std::mutex guard_;
};

std::vector<Sender> read_senders(const std::vector<std::string>& files) {
  std::vector<Sender> senders;
  for (const auto& f : files) {
    for (auto& s : read_token_file(f)) {
      for (const auto& known : senders)
        if (known.name == s.name)
          throw Error(Errc::usage, "two senders are named " + quote(s.name) + " (the second in " + quote(f) + ")",
                      "give each sender its own name: the log names who posted what");
      senders.push_back(std::move(s));
    }
  }
  return senders;
}

ServeOptions serve_options(const ServeFlags& f, Context& ctx, Repository& repo) {
  const ServeConfig& c = repo.config().serve;
  ServeOptions o;
  const auto [host, port] = parse_listen_address(f.listen.value_or(c.listen));
  o.http.host = host;
  o.http.port = port;
  // A path from a flag is the user's, relative to where they are; one from
  // [serve] is relative to the repository.
  const auto from_config = [&repo](const std::string& p) {
    return p.empty() ? p : (repo.root() / p).lexically_normal().string();
  };
  std::vector<std::string> token_files;
  for (const auto& t : f.token_files) token_files.push_back(ctx.user_path(t));
  if (token_files.empty())
    for (const auto& t : c.token_files) token_files.push_back(from_config(t));
  o.senders = read_senders(token_files);
  o.no_auth = f.insecure_no_auth;
  if (o.no_auth && !o.senders.empty())
    throw Error(Errc::usage, "--insecure-no-auth and token files contradict each other",
                "leave out --insecure-no-auth, or the token files (flags and [serve] token_files)");
  o.http.tls_cert = f.tls_cert ? ctx.user_path(*f.tls_cert) : from_config(c.tls_cert);
  o.http.tls_key = f.tls_key ? ctx.user_path(*f.tls_key) : from_config(c.tls_key);
  if (o.http.tls_cert.empty() != o.http.tls_key.empty())
    throw Error(Errc::usage, "TLS needs both a certificate and its key", "give --tls-cert and --tls-key together");
  o.http.threads = f.max_connections.value_or(c.max_connections);
  o.http.read_timeout_ms = o.http.write_timeout_ms = f.request_timeout.value_or(c.request_timeout) * 1000;
  o.http.idle_timeout_s = f.idle_timeout.value_or(c.idle_timeout);
  o.max_queue = static_cast<size_t>(f.max_queue.value_or(c.max_queue));
  o.shutdown_timeout = std::chrono::seconds(f.shutdown_timeout.value_or(c.shutdown_timeout));
  o.push = !f.no_push && c.push;
  if (f.remote) o.remote = *f.remote;
  else if (!c.remote.empty()) o.remote = c.remote;
  o.actor = ctx.actor(repo);
  return o;
}

// SIGTERM, SIGINT and SIGHUP stop the server: it finishes what it received
// and pushes. SIGHUP too, since its default action would end the server
// without a word, in the middle of an ingest, when the terminal it was started
// from closes. A second one ends irctl at once; what was not ingested stays
// in the inbox for the next start.
class StopOnSignal {
 public:
  explicit StopOnSignal(AlertReceiver& receiver, LogWriter& log) {
    sigemptyset(&signals_);
    sigaddset(&signals_, SIGTERM);
    sigaddset(&signals_, SIGINT);
    sigaddset(&signals_, SIGHUP);
    waiter_ = std::thread([this, &receiver, &log] {
      for (int n = 0;; ++n) {
        int sig = 0;
        sigwait(&signals_, &sig);
        if (finished_) return;
        const char* name = sig == SIGTERM ? "SIGTERM" : sig == SIGINT ? "SIGINT" : "SIGHUP";
        if (n == 0) {
          log({now_utc(), "signal", {{"signal", name}, {"action", "stop: finish what was received, push, exit"}}});
          receiver.stop();
        } else {
          log({now_utc(), "signal", {{"signal", name}, {"action", "exit now; the inbox keeps what is not ingested"}}});
          ::_exit(128 + sig);
        }
      }
    });
  }
  ~StopOnSignal() {
    finished_ = true;
    ::kill(::getpid(), SIGTERM);  // wakes the waiter, which sees finished_
    waiter_.join();
  }

  /// Before any thread starts, so that every thread inherits the mask and
  /// only the waiter receives the signals.
  static void block() {
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGTERM);
    sigaddset(&s, SIGINT);
    sigaddset(&s, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &s, nullptr);
    ::signal(SIGPIPE, SIG_IGN);  // a sender that hangs up must not end the server
  }

 private:
  sigset_t signals_{};
  std::atomic<bool> finished_{false};
  std::thread waiter_;
};

void run_serve(const ServeFlags& f, Context& ctx) {
  Repository& repo = ctx.repo();
  const bool json_log = f.log_format.value_or(repo.config().serve.log_format) == "json";
  ServeOptions options = serve_options(f, ctx, repo);
  LogWriter log(ctx.io.err, json_log);
  StopOnSignal::block();
  AlertReceiver receiver(repo, std::move(options), [&log](const LogRecord& r) { log(r); });
  const StopOnSignal stop(receiver, log);
  receiver.run();
}

}  // namespace

void register_serve(CLI::App& app, Context& ctx) {
  auto f = std::make_shared<ServeFlags>();
  auto* cmd = app.add_subcommand(
      "serve", "Receive alert webhooks over HTTP (Alertmanager, Grafana, PagerDuty, Opsgenie, GitHub) and record "
               "them as incidents");
  cmd->add_option("--listen", f->listen, "Address and port to listen on (default 127.0.0.1:9095; [::1]:9095 for IPv6)")
      ->option_text("ADDR:PORT");
  cmd->add_option("--token-file", f->token_files,
                  "A file of 'NAME TOKEN' lines, one per sender, mode 600 (repeatable); a token is a bearer token, a "
                  "basic-auth password or a signing secret")
      ->option_text("FILE")
      ->allow_extra_args(false);
  cmd->add_flag("--insecure-no-auth", f->insecure_no_auth,
                "Let anyone who reaches the address post (loopback addresses only)");
  cmd->add_option("--tls-cert", f->tls_cert, "Serve HTTPS with this PEM certificate (chain)")->option_text("FILE");
  cmd->add_option("--tls-key", f->tls_key, "The certificate's PEM private key")->option_text("FILE");
  one_of(cmd->add_option("--log-format", f->log_format, serve_log_formats().described("text"))->option_text("FORMAT"),
         serve_log_formats(), ctx);
  cmd->add_option("--max-queue", f->max_queue,
                  "Deliveries waiting to be ingested before senders are told to retry with 429 (default 1000)")
      ->option_text("N")
      ->check(CLI::Range(1, 1000000));
  cmd->add_option("--max-connections", f->max_connections, "Requests answered at once; others wait (default 8)")
      ->option_text("N")
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--request-timeout", f->request_timeout,
                  "Seconds a request may take to arrive whole, and a write of its answer may wait (default 10)")
      ->option_text("SECONDS")
      ->check(CLI::Range(1, 3600));
  cmd->add_option("--idle-timeout", f->idle_timeout,
                  "Seconds a kept-alive connection may wait for its next request (default 5)")
      ->option_text("SECONDS")
      ->check(CLI::Range(0, 3600));
  cmd->add_option("--shutdown-timeout", f->shutdown_timeout,
                  "Seconds a stop may spend ingesting what was received before it pushes and exits (default 20)")
      ->option_text("SECONDS")
      ->check(CLI::Range(1, 3600));
  cmd->add_flag("--no-push", f->no_push, "Commit only; do not push to the remote");
  cmd->add_option("--remote", f->remote, "The remote to push to (default: as irctl sync chooses)")->option_text("NAME");
  set_examples(cmd,
               "  irctl serve --token-file /etc/irctl/serve.tokens\n"
               "  irctl serve --listen 0.0.0.0:9095 --token-file am.token --log-format json\n"
               "  irctl serve --insecure-no-auth    # on 127.0.0.1 only, to try it out\n"
               "  curl -H 'Authorization: Bearer TOKEN' --data-binary @alert.json "
               "http://127.0.0.1:9095/v1/alerts/alertmanager");
  cmd->callback([f, &ctx] { run_serve(*f, ctx); });
}

}  // namespace irctl::cli
