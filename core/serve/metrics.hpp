#pragma once
// What irctl serve says of itself on GET /metrics (issue 18): counters and
// gauges in Prometheus's text exposition format (version 0.0.4), every name
// prefixed irctl_. Updated from the server's threads, read by a scrape.

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace irctl {

class ServeMetrics {
 public:
  using Labels = std::vector<std::pair<std::string, std::string>>;
  enum class Kind { counter, gauge };

  /// Declares a metric (its name without the irctl_ prefix) and its help
  /// text; a metric is shown from its declaration on, at 0 until it moves.
  void declare(const std::string& name, Kind kind, const std::string& help);
  /// Adds to a counter (or a gauge) with these labels.
  void add(const std::string& name, const Labels& labels = {}, double by = 1);
  /// Sets a gauge.
  void set(const std::string& name, const Labels& labels, double value);
  /// The text a scrape reads: HELP and TYPE lines, then each series, by
  /// name and then by labels; label values escaped as the format says
  /// (backslash, double quote, line feed).
  std::string exposition() const;

 private:
  struct Metric {
    Kind kind = Kind::counter;
    std::string help;
    std::map<Labels, double> series;
  };
  Metric& metric(const std::string& name);
  mutable std::mutex guard_;
  std::map<std::string, Metric> metrics_;
};

}  // namespace irctl
