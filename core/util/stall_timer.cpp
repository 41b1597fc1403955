#include "core/util/stall_timer.hpp"

#include <signal.h>
#include <sys/time.h>

namespace irctl {
namespace {

volatile sig_atomic_t g_expired = 0;
struct sigaction g_previous {};

void on_alarm(int) { g_expired = 1; }

// Once expired, the timer keeps firing: a blocking call that starts after
// the first signal (libgit2 closing the connection politely) fails too.
constexpr double kRepeatSeconds = 0.1;

itimerval timer_value(double first, double repeat) {
  const auto tv = [](double s) {
    timeval t{};
    t.tv_sec = static_cast<time_t>(s);
    t.tv_usec = static_cast<suseconds_t>((s - static_cast<double>(t.tv_sec)) * 1e6);
    return t;
  };
  return itimerval{tv(repeat), tv(first)};
}

}  // namespace

StallTimer::StallTimer(double seconds) : seconds_(seconds) {
  g_expired = 0;
  if (seconds_ <= 0) return;
  struct sigaction action {};
  action.sa_handler = on_alarm;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: the blocked call must return
  ::sigaction(SIGALRM, &action, &g_previous);
  arm(seconds_);
}

StallTimer::~StallTimer() {
  if (seconds_ <= 0) return;
  arm(0);
  ::sigaction(SIGALRM, &g_previous, nullptr);
}

void StallTimer::arm(double first) const {
  const itimerval value = first > 0 ? timer_value(first, kRepeatSeconds) : timer_value(0, 0);
  ::setitimer(ITIMER_REAL, &value, nullptr);
}

void StallTimer::progress() {
  if (seconds_ > 0 && !g_expired) arm(seconds_);
}

void StallTimer::pause() {
  if (seconds_ > 0 && !g_expired) arm(0);
}

bool StallTimer::expired() const { return g_expired != 0; }

}  // namespace irctl
