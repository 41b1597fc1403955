#pragma once
// irctl serve (issue 18): alerting systems post their webhooks over HTTP;
// each delivery is checked (who sent it, whether it reads as an alert),
// kept durably in the inbox, answered, then ingested by one writer thread
// through the same lock and write path as the command line, and the
// commits pushed in the background.
//
// Threads: the HTTP module's workers answer requests (authenticate, parse,
// spool, queue); the writer ingests the queue in order, and pushes; run()'s
// own thread waits in the HTTP server until stop().

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/model/actor.hpp"
#include "core/model/tomldoc.hpp"
#include "core/serve/auth.hpp"
#include "core/serve/http_server.hpp"

namespace irctl {

class Repository;

struct ServeOptions {
  HttpServerOptions http;
  /// Who may post; empty only with no_auth.
  std::vector<Sender> senders;
  /// --insecure-no-auth: anyone who reaches the address may post; refused
  /// unless the address is a loopback one.
  bool no_auth = false;
  /// Deliveries kept but not yet ingested, past which a sender is asked to
  /// come back later (429).
  size_t max_queue = 1000;
  /// Push commits to the remote (nullopt: the default remote), when there
  /// is one.
  bool push = true;
  std::optional<std::string> remote;
  /// The shortest time between two pushes, so that a storm of alerts makes
  /// a push a second and not a push per alert.
  std::chrono::milliseconds push_interval{1000};
  /// How long a stop may take to ingest what was received and push.
  std::chrono::milliseconds shutdown_timeout{20000};
  /// Who the ingested events are by.
  Actor actor;
};

/// One line of the server's log: what happened ("listening", "request",
/// "ingest", "push", ...) and its fields, never a body or a secret.
struct LogRecord {
  Timestamp at;
  std::string event;
  std::vector<std::pair<std::string, Json>> fields;
};
using LogSink = std::function<void(const LogRecord&)>;

struct ServeSummary {
  size_t ingested = 0;       ///< deliveries taken out of the inbox
  size_t left_in_inbox = 0;  ///< not ingested before the shutdown timeout: the next start ingests them
  bool pushed = false;       ///< the last push before exit succeeded (or nothing needed pushing)
};

class AlertReceiver {
 public:
  /// Binds the address and reads the inbox that a previous server left;
  /// throws Error(Errc::usage) for options that cannot work (no sender and
  /// no no_auth, no_auth on an address others reach), Errc::failure when
  /// the address cannot be bound.
  AlertReceiver(Repository& repo, ServeOptions options, LogSink log);
  ~AlertReceiver();
  AlertReceiver(const AlertReceiver&) = delete;
  AlertReceiver& operator=(const AlertReceiver&) = delete;

  /// The port bound (the one asked for, or the free one found for 0).
  int port() const;
  /// Ingests what the inbox held, answers requests, ingests and pushes,
  /// until stop(); then finishes ingesting what was received (within the
  /// shutdown timeout), pushes once, and returns.
  ServeSummary run();
  /// From any thread (a signal's): stop accepting requests.
  void stop();

  struct State;

 private:
  std::unique_ptr<State> state_;
};

/// "HOST:PORT", or "[IPV6]:PORT", as --listen takes it (port 0: any free
/// one); Error(Errc::usage) for anything else.
std::pair<std::string, int> parse_listen_address(const std::string& listen);

/// Whether the host (a name or an address) is this machine's loopback:
/// "localhost", 127.0.0.0/8 or ::1.
bool is_loopback_host(const std::string& host);

}  // namespace irctl
