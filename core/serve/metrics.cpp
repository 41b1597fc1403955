// irctl serve's metrics; see serve_metrics.hpp.
#include "core/serve/metrics.hpp"

#include <cmath>
#include <cstdio>

#include "core/error.hpp"

namespace irctl {

namespace {

std::string escaped_label_value(const std::string& value) {
  std::string out;
  for (const char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

// HELP text escapes backslashes and line feeds only.
std::string escaped_help(const std::string& help) {
  std::string out;
  for (const char c : help) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

// Whole numbers without a fraction (counters are), others with as many
// digits as a double holds.
std::string number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[32];
  if (v == std::floor(v) && std::fabs(v) < 1e15) std::snprintf(buf, sizeof buf, "%.0f", v);
  else std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

}  // namespace

void ServeMetrics::declare(const std::string& name, Kind kind, const std::string& help) {
  const std::lock_guard<std::mutex> hold(guard_);
  Metric& m = metrics_[name];
  m.kind = kind;
  m.help = help;
}

ServeMetrics::Metric& ServeMetrics::metric(const std::string& name) {
  const auto it = metrics_.find(name);
  if (it == metrics_.end()) throw Error(Errc::failure, "irctl serve: the metric " + name + " was never declared");
  return it->second;
}

void ServeMetrics::add(const std::string& name, const Labels& labels, double by) {
  const std::lock_guard<std::mutex> hold(guard_);
  metric(name).series[labels] += by;
}

void ServeMetrics::set(const std::string& name, const Labels& labels, double value) {
  const std::lock_guard<std::mutex> hold(guard_);
  metric(name).series[labels] = value;
}

std::string ServeMetrics::exposition() const {
  const std::lock_guard<std::mutex> hold(guard_);
  std::string out;
  for (const auto& [name, m] : metrics_) {
    const std::string full = "irctl_" + name;
    out += "# HELP " + full + " " + escaped_help(m.help) + "\n";
    out += "# TYPE " + full + (m.kind == Kind::counter ? " counter\n" : " gauge\n");
    if (m.series.empty()) out += full + " 0\n";
    for (const auto& [labels, value] : m.series) {
      out += full;
      if (!labels.empty()) {
        out += '{';
        for (size_t i = 0; i < labels.size(); ++i)
          out += (i ? "," : "") + labels[i].first + "=\"" + escaped_label_value(labels[i].second) + "\"";
        out += '}';
      }
      out += " " + number(value) + "\n";
    }
  }
  return out;
}

}  // namespace irctl
