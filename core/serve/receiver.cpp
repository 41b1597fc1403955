// irctl serve; see receiver.hpp.
#include "core/serve/receiver.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "core/error.hpp"
#include "core/ingest.hpp"
#include "core/serve/inbox.hpp"
#include "core/serve/metrics.hpp"
#include "core/store/repository.hpp"
#include "core/store/sync.hpp"
#include "core/util/text.hpp"
#include "core/util/time.hpp"

namespace irctl {

using Clock = std::chrono::steady_clock;

bool is_loopback_host(const std::string& host) {
  if (host == "localhost") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) return IN6_IS_ADDR_LOOPBACK(&v6);
  return false;
}

std::pair<std::string, int> parse_listen_address(const std::string& listen) {
  const auto bad = [&listen] {
    return Error(Errc::usage, "cannot listen on " + quote(listen) + ": expected HOST:PORT",
                 "such as 127.0.0.1:9095, 0.0.0.0:9095 or [::1]:9095");
  };
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) throw bad();
  std::string host = listen.substr(0, colon);
  const std::string port = listen.substr(colon + 1);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') throw bad();
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string::npos) {
    throw bad();  // an IPv6 address needs its brackets, or the port is ambiguous
  }
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) throw bad();
  const int n = std::stoi(port);
  if (n > 65535) throw bad();
  return {host, n};
}

// One server per repository: two would ingest the same inbox twice over.
// The lock is the kernel's (flock), so a killed server leaves none behind.
// (Not in the anonymous namespace, since State holds one.)
class ServeLock {
 public:
  explicit ServeLock(const std::filesystem::path& file) {
    std::filesystem::create_directories(file.parent_path());
    fd_ = ::open(file.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600);
    if (fd_ < 0) throw Error(Errc::failure, "cannot open " + file.string() + ": " + std::strerror(errno));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd_);
      throw Error(Errc::busy, "another irctl serve is running on this repository",
                  "stop it first; one server per repository ingests its inbox");
    }
  }
  ~ServeLock() { ::close(fd_); }
  ServeLock(const ServeLock&) = delete;
  ServeLock& operator=(const ServeLock&) = delete;

 private:
  int fd_ = -1;
};

namespace {

constexpr const char* kAlertsPath = "/v1/alerts";
// How long a sender told to come back later (429, 503) should wait.
constexpr const char* kRetryAfterSeconds = "5";
// The longest wait between two attempts at something that keeps failing
// (an ingest while the repository is busy, a push while the remote is down).
constexpr std::chrono::seconds kLongestBackoff{300};
// While idle with a remote, how often the remote is tried, so that /readyz
// says the truth about it and the clone keeps up with the remote.
constexpr std::chrono::seconds kRemoteCheckInterval{60};

HttpResponse text(int status, std::string body) { return {status, "text/plain; charset=utf-8", {}, std::move(body)}; }
HttpResponse json(int status, const Json& body) { return {status, "application/json", {}, body.dump() + "\n"}; }
HttpResponse retry_later(int status, const std::string& why) {
  HttpResponse r = text(status, why + "\n");
  r.headers.emplace_back("Retry-After", kRetryAfterSeconds);
  return r;
}
HttpResponse method_not_allowed(const char* allowed) {
  HttpResponse r = text(405, std::string("use ") + allowed + "\n");
  r.headers.emplace_back("Allow", allowed);
  return r;
}

std::chrono::milliseconds backoff(int failures) {
  const auto wait = std::chrono::seconds(1) * (1LL << std::min(failures - 1, 9));
  return std::min<std::chrono::milliseconds>(wait, kLongestBackoff);
}

const std::string kAlertsPrefix = std::string(kAlertsPath) + "/";

// The format an alert route names: "auto" for /v1/alerts itself, FORMAT for
// /v1/alerts/FORMAT; nullopt for any other path or an unknown format.
std::optional<std::string> alert_route_format(const std::string& path) {
  if (path == kAlertsPath) return "auto";
  if (path.rfind(kAlertsPrefix, 0) != 0) return std::nullopt;
  std::string format = path.substr(kAlertsPrefix.size());
  if (!alert_formats().contains(format)) return std::nullopt;
  return format;
}

// The route a path is counted under in /metrics: the path itself for the
// routes that exist, one label for every other, so that a scanner trying
// paths cannot grow the metrics without bound.
std::string route_label(std::string_view path) {
  const std::string p(path);
  if (p == "/healthz" || p == "/readyz" || p == "/metrics" || alert_route_format(p)) return p;
  return "other";
}

}  // namespace

struct AlertReceiver::State {
  State(Repository& r, ServeOptions o, LogSink l) : repo(r), options(std::move(o)), log_sink(std::move(l)) {}

  Repository& repo;
  std::optional<ServeLock> server_lock;
  const ServeOptions options;
  const LogSink log_sink;
  IngestMapping mapping;
  ServeMetrics metrics;
  std::string remote;  ///< empty: no pushing
  std::unique_ptr<HttpServer> http;

  std::mutex guard;  // everything below
  std::condition_variable wake;
  std::deque<SpooledDelivery> queue;
  bool draining = false;
  Clock::time_point drain_deadline{};
  bool ingest_failing = false;
  size_t unpushed = 0;
  int push_failures = 0;
  bool remote_reached = false;
  Clock::time_point last_remote_attempt{};  // the first attempt: at once
  ServeSummary summary;

  void log(std::string event, std::vector<std::pair<std::string, Json>> fields) const {
    if (log_sink) log_sink({now_utc(), std::move(event), std::move(fields)});
  }

  void declare_metrics();
  void set_queue_depth_locked() { metrics.set("queue_depth", {}, static_cast<double>(queue.size())); }

  // The HTTP side.
  HttpResponse answer(const HttpRequest& req);
  HttpResponse route(const HttpRequest& req, std::vector<std::pair<std::string, Json>>& fields);
  std::optional<std::string> authenticate(const HttpRequest& req, std::string& refusal) const;
  HttpResponse receive(const HttpRequest& req, const std::string& format,
                       std::vector<std::pair<std::string, Json>>& fields);
  HttpResponse readiness();
  void record_request(const HttpRequest& req, int status, std::vector<std::pair<std::string, Json>> fields);
  void log_module_answer(const HttpRequest& req, int status);

  // The writer.
  void write_loop();
  bool ingest_one(const SpooledDelivery& item);
  bool put_aside(const SpooledDelivery& item, const std::string& reason);
  Clock::time_point next_remote_attempt() const;
  void push_once(std::unique_lock<std::mutex>& lock);
};

void AlertReceiver::State::declare_metrics() {
  using K = ServeMetrics::Kind;
  metrics.declare("http_requests_total", K::counter, "HTTP requests answered, by route and status code.");
  metrics.declare("refused_requests_total", K::counter,
                  "Requests to /v1/alerts refused for their credentials, by reason.");
  metrics.declare("ingest_outcomes_total", K::counter,
                  "Deliveries ingested, by outcome (declared, acknowledged, resolved, updated, unchanged, ignored, "
                  "rejected), and attempts that failed and will be retried (error).");
  metrics.declare("queue_depth", K::gauge, "Deliveries kept in the inbox and not yet ingested.");
  metrics.declare("queue_capacity", K::gauge, "Deliveries the inbox takes before senders are told to retry (429).");
  metrics.declare("push_last_success_timestamp_seconds", K::gauge,
                  "When the last push to the remote succeeded, in seconds since the epoch; 0: never.");
  metrics.declare("push_failures_total", K::counter, "Pushes to the remote that failed.");
  metrics.declare("push_pending_commits", K::gauge, "Commits made since the last successful push.");
  metrics.set("queue_capacity", {}, static_cast<double>(options.max_queue));
  metrics.set("push_last_success_timestamp_seconds", {}, 0);
  metrics.set("push_pending_commits", {}, 0);
}

// ---------------------------------------------------------------- HTTP side

HttpResponse AlertReceiver::State::answer(const HttpRequest& req) {
  const auto started = Clock::now();
  std::vector<std::pair<std::string, Json>> fields;
  HttpResponse res;
  try {
    res = route(req, fields);
  } catch (const std::exception& e) {
    fields.emplace_back("error", printable(e.what()));
    res = text(500, "internal error\n");
  }
  const double ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
  fields.emplace_back("ms", std::round(ms * 100) / 100);
  record_request(req, res.status, std::move(fields));
  return res;
}

// The request's log line (what it was, its answer, then `fields`) and its
// count in /metrics.
void AlertReceiver::State::record_request(const HttpRequest& req, int status,
                                          std::vector<std::pair<std::string, Json>> fields) {
  std::vector<std::pair<std::string, Json>> line = {{"method", printable(std::string(req.method))},
                                                    {"path", printable(std::string(req.path))},
                                                    {"status", status},
                                                    {"remote", std::string(req.remote_addr)}};
  line.insert(line.end(), std::make_move_iterator(fields.begin()), std::make_move_iterator(fields.end()));
  log("request", std::move(line));
  metrics.add("http_requests_total", {{"route", route_label(req.path)}, {"code", std::to_string(status)}});
}

HttpResponse AlertReceiver::State::route(const HttpRequest& req, std::vector<std::pair<std::string, Json>>& fields) {
  const std::string path(req.path);
  const bool get = req.method == "GET" || req.method == "HEAD";
  if (path == "/healthz") return get ? text(200, "ok\n") : method_not_allowed("GET");
  if (path == "/readyz") return get ? readiness() : method_not_allowed("GET");
  if (path == "/metrics") {
    if (!get) return method_not_allowed("GET");
    return {200, "text/plain; version=0.0.4; charset=utf-8", {}, metrics.exposition()};
  }
  if (const auto format = alert_route_format(path)) return receive(req, *format, fields);
  if (path.rfind(kAlertsPrefix, 0) == 0)
    return text(404, "no such format; post to " + std::string(kAlertsPath) + " or " + kAlertsPrefix + "{" +
                         join(alert_formats().names(), ",") + "}\n");
  return text(404, "not found; irctl serve answers POST " + std::string(kAlertsPath) +
                       "[/FORMAT], GET /healthz, GET /readyz and GET /metrics\n");
}

// Every credential the request carries is tried: a bearer or basic
// Authorization header, GitHub's signature, PagerDuty's. The reason for a
// refusal goes to the log, never to the sender.
std::optional<std::string> AlertReceiver::State::authenticate(const HttpRequest& req, std::string& refusal) const {
  if (options.no_auth) return std::string();
  bool offered = false;
  if (const auto h = req.header("Authorization")) {
    offered = true;
    if (auto who = authorized_sender(options.senders, *h)) return who;
  }
  if (const auto h = req.header("X-Hub-Signature-256")) {
    offered = true;
    if (auto who = github_signer(options.senders, req.body, *h)) return who;
  }
  if (const auto h = req.header("X-PagerDuty-Signature")) {
    offered = true;
    if (auto who = pagerduty_signer(options.senders, req.body, *h)) return who;
  }
  refusal = offered ? "credentials match no sender" : "no credentials";
  return std::nullopt;
}

HttpResponse AlertReceiver::State::receive(const HttpRequest& req, const std::string& format,
                                           std::vector<std::pair<std::string, Json>>& fields) {
  if (req.method != "POST") return method_not_allowed("POST");
  std::string refusal;
  const auto sender = authenticate(req, refusal);
  if (!sender) {
    fields.emplace_back("refused", refusal);
    metrics.add("refused_requests_total", {{"reason", refusal}});
    HttpResponse r = text(401, "unauthorized\n");
    r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"irctl\"");
    return r;
  }
  if (!sender->empty()) fields.emplace_back("sender", *sender);
  Alert alert;
  try {
    alert = parse_alert(std::string(req.body), format, mapping);
  } catch (const Error& e) {
    if (e.code() != Errc::data) throw;
    fields.emplace_back("error", printable(e.what()));
    return json(400, {{"error", printable(e.what())}});
  }
  fields.emplace_back("format", alert.format);
  if (alert.state == Alert::State::ignored) {
    metrics.add("ingest_outcomes_total", {{"outcome", "ignored"}});
    fields.emplace_back("outcome", "ignored");
    return json(200, {{"outcome", "ignored"}, {"reason", alert.ignored_because}});
  }
  {
    const std::lock_guard lock(guard);
    if (queue.size() >= options.max_queue) {
      fields.emplace_back("queue_depth", queue.size());
      return retry_later(429, "the inbox is full; retry");
    }
  }
  // The detected format is kept, so that the writer reads the body as it
  // was read here.
  Delivery d{alert.format, *sender, now_utc(), std::string(req.body)};
  std::string name;
  try {
    name = spool_delivery(repo, d);
  } catch (const Error& e) {
    fields.emplace_back("error", printable(e.what()));
    return retry_later(503, "cannot keep the delivery; retry");
  }
  fields.emplace_back("delivery", name);
  {
    const std::lock_guard lock(guard);
    queue.push_back({name, std::move(d)});
    set_queue_depth_locked();
  }
  wake.notify_all();
  return json(202, {{"delivery", name}, {"format", alert.format}, {"keys", alert.keys}});
}

HttpResponse AlertReceiver::State::readiness() {
  std::vector<std::string> problems;
  if (::access(repo.git_dir().c_str(), W_OK) != 0) problems.push_back("the repository is not writable");
  {
    const std::lock_guard lock(guard);
    if (ingest_failing) problems.push_back("ingesting fails (see the log); deliveries wait in the inbox");
    if (!remote.empty() && !remote_reached) problems.push_back("the remote " + remote + " cannot be reached (see the log)");
  }
  if (problems.empty()) return text(200, "ready\n");
  return text(503, "not ready: " + join(problems, "; ") + "\n");
}

// The answers the module gives without asking irctl: a body past the size
// limit (413), a request that is not HTTP (400).
void AlertReceiver::State::log_module_answer(const HttpRequest& req, int status) { record_request(req, status, {}); }

// ------------------------------------------------------------------ writer

// When the remote is next tried: commits to push go at most every
// push_interval; with nothing to push, the remote is checked every
// kRemoteCheckInterval; after failures, the waits grow.
Clock::time_point AlertReceiver::State::next_remote_attempt() const {
  std::chrono::milliseconds wait = unpushed > 0 ? options.push_interval : kRemoteCheckInterval;
  if (push_failures > 0) wait = std::max<std::chrono::milliseconds>(backoff(push_failures), options.push_interval);
  if (!remote_reached && push_failures == 0) wait = {};  // never tried yet
  return last_remote_attempt + wait;
}

void AlertReceiver::State::write_loop() {
  std::unique_lock lock(guard);
  int ingest_failures = 0;
  Clock::time_point next_ingest_at{};
  for (;;) {
    const auto now = Clock::now();
    const bool out_of_time = draining && now >= drain_deadline;
    const bool remote_due = !remote.empty() && now >= next_remote_attempt();
    if (remote_due && !out_of_time && (unpushed > 0 || (queue.empty() && !draining))) {
      push_once(lock);
      continue;
    }
    if (!queue.empty() && !out_of_time && now >= next_ingest_at) {
      const SpooledDelivery& item = queue.front();  // a deque's push_back leaves it in place
      lock.unlock();
      const bool done = ingest_one(item);
      lock.lock();
      if (done) {
        queue.pop_front();
        set_queue_depth_locked();
        ingest_failures = 0;
        next_ingest_at = {};
      } else {
        next_ingest_at = Clock::now() + backoff(++ingest_failures);
      }
      ingest_failing = !done;
      continue;
    }
    if (draining && (queue.empty() || out_of_time)) break;
    auto until = Clock::now() + kRemoteCheckInterval;
    if (!remote.empty()) until = std::min(until, next_remote_attempt());
    if (!queue.empty()) until = std::min(until, next_ingest_at);
    if (draining) until = std::min(until, drain_deadline);
    wake.wait_until(lock, until);
  }
  summary.left_in_inbox = queue.size();
  if (!remote.empty() && unpushed > 0) push_once(lock);
  summary.pushed = unpushed == 0;
}

bool AlertReceiver::State::ingest_one(const SpooledDelivery& item) {
  std::vector<std::pair<std::string, Json>> fields = {{"delivery", item.name}, {"format", item.delivery.format}};
  if (!item.delivery.sender.empty()) fields.emplace_back("sender", item.delivery.sender);
  std::string outcome;
  std::vector<std::pair<std::string, Json>> details;
  bool done = true;  // out of the inbox: ingested, or put aside
  bool committed = false;
  try {
    const Recorder rec{options.actor, item.delivery.received_at, now_utc()};
    const InboxOutcome o = ingest_spooled(repo, item, rec);
    if (o.ingested) {
      outcome = o.ingested->outcome;
      committed = o.ingested->event.recorded;
      if (!o.ingested->incident_id.empty()) details.emplace_back("incident", o.ingested->incident_id);
      if (o.ingested->event.hook_warning) details.emplace_back("hook", printable(*o.ingested->event.hook_warning));
    } else {
      outcome = "rejected";
      details.emplace_back("reason", printable(o.rejected_because));
    }
  } catch (const std::exception& e) {
    // What the lifecycle refuses now it will refuse on every retry: the
    // delivery is put aside for a person, as a body that is not an alert
    // is. Anything else (the repository busy, a full disk) may pass: the
    // delivery stays in the inbox, to be tried again.
    const auto* error = dynamic_cast<const Error*>(&e);
    const bool final = error && (error->code() == Errc::refused || error->code() == Errc::data);
    outcome = final ? "rejected" : "error";
    details.emplace_back("error", printable(e.what()));
    done = final && put_aside(item, e.what());
  }
  fields.emplace_back("outcome", outcome);
  fields.insert(fields.end(), std::make_move_iterator(details.begin()), std::make_move_iterator(details.end()));
  metrics.add("ingest_outcomes_total", {{"outcome", outcome}});
  log("ingest", std::move(fields));
  if (!done) return false;
  const std::lock_guard lock(guard);
  ++summary.ingested;
  if (committed && !remote.empty()) {
    ++unpushed;
    metrics.set("push_pending_commits", {}, static_cast<double>(unpushed));
  }
  return true;
}

// Moves the delivery to rejected/; false when it cannot (it stays in the
// inbox, and is tried again).
bool AlertReceiver::State::put_aside(const SpooledDelivery& item, const std::string& reason) {
  try {
    reject_spooled(repo, item.name, reason);
    return true;
  } catch (const Error&) {
    return false;
  }
}

// Fetches, merges what the remote has (irctl's semantic merge) and pushes:
// irctl sync, run by the writer so that it never races the writer's ingests.
void AlertReceiver::State::push_once(std::unique_lock<std::mutex>& lock) {
  const size_t pending = unpushed;
  lock.unlock();
  std::vector<std::pair<std::string, Json>> fields = {{"remote", remote}};
  bool ok = false;
  try {
    SyncOptions o;
    o.remote = remote;
    o.push = true;
    const Actor actor = options.actor;
    o.actor = [actor] { return actor; };
    const SyncResult r = sync_repository(repo, o);
    fields.emplace_back("outcome", r.outcome);
    fields.emplace_back("pushed", r.pushed);
    if (!r.tip.empty()) fields.emplace_back("tip", r.tip);
    ok = true;
  } catch (const std::exception& e) {
    fields.emplace_back("outcome", "error");
    fields.emplace_back("error", printable(e.what()));
  }
  lock.lock();
  remote_reached = ok;
  last_remote_attempt = Clock::now();
  if (ok) {
    unpushed -= std::min(unpushed, pending);
    push_failures = 0;
    metrics.set("push_last_success_timestamp_seconds", {},
                static_cast<double>(std::chrono::duration_cast<std::chrono::seconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count()));
  } else {
    ++push_failures;
    metrics.add("push_failures_total");
    fields.emplace_back("retry_in_s",
                        std::chrono::duration_cast<std::chrono::seconds>(next_remote_attempt() - Clock::now()).count());
  }
  metrics.set("push_pending_commits", {}, static_cast<double>(unpushed));
  // Only pushes that did something, or failed, are worth a line: the idle
  // checks of the remote would otherwise fill the log.
  if (!ok || pending > 0) log("push", std::move(fields));
}

// ---------------------------------------------------------------- the class

namespace {
// A body is refused (413) past the limit irctl ingest has.
ServeOptions with_ingest_limit(ServeOptions o) {
  o.http.max_body = kMaxAlertBytes;
  return o;
}
}  // namespace

AlertReceiver::AlertReceiver(Repository& repo, ServeOptions options, LogSink log)
    : state_(std::make_unique<State>(repo, with_ingest_limit(std::move(options)), std::move(log))) {
  State& s = *state_;
  if (s.options.no_auth && !is_loopback_host(s.options.http.host))
    throw Error(Errc::usage,
                "--insecure-no-auth lets anyone who reaches " + s.options.http.host + " post alerts",
                "listen on a loopback address (127.0.0.1, ::1, localhost) to serve without authentication, or give "
                "--token-file");
  if (!s.options.no_auth && s.options.senders.empty())
    throw Error(Errc::usage, "no sender may post: irctl serve needs at least one --token-file",
                "write 'NAME TOKEN' lines to a file only you can read (chmod 600), and give it with --token-file");
  s.server_lock.emplace(repo.git_dir() / "irctl" / "serve.lock");
  s.mapping = repo.config().ingest;
  if (s.options.push) {
    const std::string name = s.options.remote.value_or(repo.default_remote());
    if (has_remote(repo, name)) s.remote = name;
    else if (s.options.remote)
      throw Error(Errc::not_found, "no remote named " + quote(name), "add it with 'git remote add', or leave out --remote");
  }
  s.declare_metrics();
  for (auto& d : spooled_deliveries(repo)) s.queue.push_back(std::move(d));
  s.set_queue_depth_locked();
  s.http = std::make_unique<HttpServer>(
      s.options.http, [&s](const HttpRequest& req) { return s.answer(req); },
      [&s](const HttpRequest& req, int status) { s.log_module_answer(req, status); });
}

AlertReceiver::~AlertReceiver() = default;

int AlertReceiver::port() const { return state_->http->port(); }

ServeSummary AlertReceiver::run() {
  State& s = *state_;
  const bool tls = !s.options.http.tls_cert.empty();
  s.log("listening", {{"address", s.options.http.host + ":" + std::to_string(port())},
                      {"tls", tls},
                      {"auth", s.options.no_auth ? "none" : std::to_string(s.options.senders.size()) + " sender(s)"},
                      {"remote", s.remote.empty() ? Json(nullptr) : Json(s.remote)},
                      {"inbox", s.queue.size()}});
  std::thread writer([&s] { s.write_loop(); });
  std::exception_ptr failure;
  try {
    s.http->run();
  } catch (...) {
    failure = std::current_exception();
  }
  std::vector<std::pair<std::string, Json>> stopping;
  {
    const std::lock_guard lock(s.guard);
    s.draining = true;
    s.drain_deadline = Clock::now() + s.options.shutdown_timeout;
    stopping = {{"queue_depth", s.queue.size()}, {"unpushed", s.unpushed}};
  }
  s.log("stopping", std::move(stopping));
  s.wake.notify_all();
  writer.join();
  s.log("stopped", {{"ingested", s.summary.ingested},
                    {"left_in_inbox", s.summary.left_in_inbox},
                    {"pushed", s.summary.pushed}});
  if (failure) std::rethrow_exception(failure);
  return s.summary;
}

void AlertReceiver::stop() { state_->http->stop(); }

}  // namespace irctl
