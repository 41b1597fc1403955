#pragma once
// A limit on how long the network may stay silent. libgit2 1.5 (Debian 12's)
// has no timeouts of its own (GIT_OPT_SET_SERVER_TIMEOUT came in 1.7): a
// remote that accepts the connection and never answers keeps it blocked in
// recv() for ever, and a host that drops the connection attempt keeps it in
// connect() for minutes. SIGALRM, handled without SA_RESTART, makes the
// blocking call fail with EINTR, so that libgit2 returns an error; every
// sign of progress arms the timer again.

namespace irctl {

class StallTimer {
 public:
  /// Arms the timer for `seconds` (0: no limit) and installs the handler.
  explicit StallTimer(double seconds);
  StallTimer(const StallTimer&) = delete;
  StallTimer& operator=(const StallTimer&) = delete;
  /// Disarms it and puts the previous handler back.
  ~StallTimer();

  /// Progress was made: the silence starts again from now.
  void progress();
  /// Stops the clock while a person is asked something (credentials).
  void pause();
  /// True once the network stayed silent for the whole time.
  bool expired() const;
  double seconds() const { return seconds_; }

 private:
  void arm(double first) const;
  double seconds_;
};

}  // namespace irctl
