#pragma once
// The retry loop of every read-modify-write that commits (Repository::commit).

#include <algorithm>
#include <chrono>
#include <thread>

#include "core/error.hpp"
#include "core/model/ids.hpp"
#include "core/store/repository.hpp"

namespace irctl {

/// The fewest attempts with_retries makes, however short the lock timeout.
constexpr int kWriteAttempts = 8;

// Runs one read-modify-write under the lock. The lock keeps other irctl
// processes out, not git itself: when the branch moved under the write
// (BranchMoved from the compare-and-swap), everything is read again and done
// again: at least kWriteAttempts times, and for as long as the lock timeout,
// since on a loaded machine a busy 'git commit' loop can win several times
// in a row.
template <class Attempt>
auto with_retries(Attempt&& attempt) -> decltype(attempt()) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(lock_timeout_seconds());
  for (int n = 1;; ++n) {
    try {
      return attempt();
    } catch (const BranchMoved&) {
      if (n >= kWriteAttempts && std::chrono::steady_clock::now() >= deadline) throw;
      // Spread out, so that two writers that collided do not collide again.
      std::this_thread::sleep_for(std::chrono::milliseconds(std::min(5 * n, 50) + random_u64() % 10));
    }
  }
}

}  // namespace irctl
