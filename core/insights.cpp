#include "core/insights.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <functional>
#include <map>

#include "core/error.hpp"
#include "core/model/metrics.hpp"
#include "core/stats.hpp"
#include "core/util/text.hpp"

namespace irctl {
namespace {

struct MeasureNames {
  const char* name;  ///< as named_durations() calls it
  const char* title;
  const char* chart_id;
};
constexpr std::array<MeasureNames, 4> kMeasures = {{
    {"acknowledge", "Time to acknowledge (MTTA)", "time-to-acknowledge"},
    {"contain", "Time to contain", "time-to-contain"},
    {"resolve", "Time to resolve", "time-to-resolve"},
    {"impact", "Impact", "impact"},
}};
constexpr size_t kTopServices = 10;

// ---------------------------------------------------------------- figures

bool is_digits(const std::string& s, size_t from, size_t count) {
  for (size_t i = from; i < from + count; ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

std::string year_month_text(int index) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", index / 12, index % 12 + 1);
  return buf;
}

// The `count` months that end with today's, oldest first.
std::vector<std::string> window_months(const std::string& today, int count) {
  if (today.size() != 10 || today[4] != '-' || today[7] != '-' || !is_digits(today, 0, 4) || !is_digits(today, 5, 2) ||
      !is_digits(today, 8, 2))
    throw Error(Errc::usage, "the insights' day " + quote(today) + " is not a date", "give it as YYYY-MM-DD");
  if (count < 1)
    throw Error(Errc::usage, "insights over " + std::to_string(count) + " months", "give one month or more");
  const int last = std::stoi(today.substr(0, 4)) * 12 + std::stoi(today.substr(5, 2)) - 1;
  std::vector<std::string> months;
  for (int index = last - count + 1; index <= last; ++index) months.push_back(year_month_text(index));
  return months;
}

std::optional<size_t> month_index(const std::vector<std::string>& months, const std::string& month) {
  const auto it = std::find(months.begin(), months.end(), month);
  if (it == months.end()) return std::nullopt;
  return static_cast<size_t>(it - months.begin());
}

size_t severity_index(const std::vector<std::string>& severities, const std::string& severity) {
  const auto it = std::find(severities.begin(), severities.end(), severity);
  return it == severities.end() ? severities.size() - 1 : static_cast<size_t>(it - severities.begin());
}

std::optional<Seconds> duration_named(const Durations& d, const std::string& name) {
  for (const auto& named : named_durations(d))
    if (name == named.name) return named.value;
  return std::nullopt;
}

// The `quarter`/4 quantile of sorted values, interpolated between ranks
// (R's type 7): at rank quarter * (n - 1) / 4, counted from 0.
Seconds quartile(const std::vector<Seconds>& sorted, size_t quarter) {
  const size_t at = quarter * (sorted.size() - 1);
  const size_t below = at / 4, part = at % 4;
  if (part == 0) return sorted[below];
  const Seconds step = sorted[below + 1] - sorted[below];
  return rounded_div(4 * sorted[below] + static_cast<Seconds::rep>(part) * step, 4);
}

Spread spread_of(std::vector<Seconds> values) {
  Spread out;
  out.count = values.size();
  if (values.empty()) return out;
  std::sort(values.begin(), values.end());
  out.low = quartile(values, 1);
  out.median = quartile(values, 2);
  out.high = quartile(values, 3);
  return out;
}

// Each service once, however often a file edited by hand names it.
std::vector<std::string> distinct_services(const Incident& inc) {
  std::vector<std::string> services = inc.services;
  std::sort(services.begin(), services.end());
  services.erase(std::unique(services.begin(), services.end()), services.end());
  return services;
}

std::vector<ServiceLoad> top_services(std::vector<ServiceLoad> all,
                                      const std::function<bool(const ServiceLoad&, const ServiceLoad&)>& before) {
  std::sort(all.begin(), all.end(), before);
  if (all.size() > kTopServices) all.resize(kTopServices);
  return all;
}

bool more_incidents(const ServiceLoad& a, const ServiceLoad& b) {
  if (a.incidents != b.incidents) return a.incidents > b.incidents;
  if (a.impact != b.impact) return a.impact > b.impact;
  return a.service < b.service;
}

bool more_impact(const ServiceLoad& a, const ServiceLoad& b) {
  if (a.impact != b.impact) return a.impact > b.impact;
  if (a.incidents != b.incidents) return a.incidents > b.incidents;
  return a.service < b.service;
}

void count_actions(Insights& in, const Incident& inc) {
  for (const auto& a : inc.actions) {
    const bool overdue = a.overdue(in.today);
    ++(a.done ? in.actions_done : in.actions_open);
    if (overdue) ++in.actions_overdue;
    const auto month = month_index(in.months, year_month(a.added_at));
    if (!month) continue;
    ActionsByMonth& m = in.actions[*month];
    ++m.added;
    ++(a.done ? m.done : m.open);
    if (overdue) ++m.overdue;
  }
}

}  // namespace

Insights make_insights(const std::vector<Incident>& incidents, const std::vector<std::string>& severities,
                       const std::string& today, int months) {
  if (severities.empty()) throw Error(Errc::usage, "insights need a severity scale", "list severities in the config");
  Insights in;
  in.today = today;
  in.months = window_months(today, months);
  in.severities = severities;
  in.incidents.assign(in.months.size(), std::vector<size_t>(severities.size(), 0));
  for (const auto& month : in.months) in.actions.push_back({month, 0, 0, 0, 0});
  // [measure][month]: the durations, gathered before they are summarized.
  std::vector<std::vector<std::vector<Seconds>>> samples(kMeasures.size(),
                                                         std::vector<std::vector<Seconds>>(in.months.size()));
  std::map<std::string, ServiceLoad> services;
  for (const auto& inc : incidents) {
    if (inc.is_void()) continue;
    count_actions(in, inc);
    const auto month = month_index(in.months, year_month(inc.declared_at));
    if (!month) continue;
    ++in.incidents[*month][severity_index(severities, inc.severity)];
    const Durations d = durations_of(inc);
    for (size_t m = 0; m < kMeasures.size(); ++m)
      if (const auto value = duration_named(d, kMeasures[m].name)) samples[m][*month].push_back(*value);
    for (const auto& service : distinct_services(inc)) {
      ServiceLoad& load = services[service];
      load.service = service;
      ++load.incidents;
      if (d.impact) load.impact += *d.impact;
    }
  }
  for (size_t m = 0; m < kMeasures.size(); ++m) {
    MeasureByMonth measure{kMeasures[m].name, kMeasures[m].title, {}};
    for (auto& values : samples[m]) measure.months.push_back(spread_of(std::move(values)));
    in.measures.push_back(std::move(measure));
  }
  std::vector<ServiceLoad> loads;
  for (auto& [name, load] : services) loads.push_back(std::move(load));
  in.services_by_count = top_services(loads, more_incidents);
  in.services_by_impact = top_services(std::move(loads), more_impact);
  return in;
}

// ---------------------------------------------------------------- JSON

namespace {

Json seconds_or_null(const std::optional<Seconds>& s) { return s ? Json(s->count()) : Json(nullptr); }

Json incidents_by_severity_json(const Insights& in) {
  Json rows = Json::array();
  for (size_t m = 0; m < in.months.size(); ++m) {
    Json by = Json::object();
    size_t total = 0;
    for (size_t s = 0; s < in.severities.size(); ++s) {
      by[in.severities[s]] = in.incidents[m][s];
      total += in.incidents[m][s];
    }
    rows.push_back({{"month", in.months[m]}, {"total", total}, {"by_severity", std::move(by)}});
  }
  return rows;
}

Json measure_json(const Insights& in, const MeasureByMonth& measure) {
  Json months = Json::array();
  for (size_t m = 0; m < measure.months.size(); ++m) {
    const Spread& s = measure.months[m];
    months.push_back({{"month", in.months[m]},
                      {"count", s.count},
                      {"low", seconds_or_null(s.low)},
                      {"median", seconds_or_null(s.median)},
                      {"high", seconds_or_null(s.high)}});
  }
  return {{"name", measure.name}, {"title", measure.title}, {"months", std::move(months)}};
}

Json services_json(const std::vector<ServiceLoad>& loads) {
  Json rows = Json::array();
  for (const auto& l : loads)
    rows.push_back({{"service", l.service}, {"incidents", l.incidents}, {"impact", l.impact.count()}});
  return rows;
}

Json actions_json(const Insights& in) {
  Json months = Json::array();
  for (const auto& a : in.actions)
    months.push_back(
        {{"month", a.month}, {"added", a.added}, {"done", a.done}, {"open", a.open}, {"overdue", a.overdue}});
  return {{"done", in.actions_done},
          {"open", in.actions_open},
          {"overdue", in.actions_overdue},
          {"months", std::move(months)}};
}

}  // namespace

Json insights_to_json(const Insights& in) {
  Json measures = Json::array();
  for (const auto& m : in.measures) measures.push_back(measure_json(in, m));
  return {{"today", in.today},
          {"months", in.months},
          {"severities", in.severities},
          {"incidents_by_severity", incidents_by_severity_json(in)},
          {"measures", std::move(measures)},
          {"services_by_count", services_json(in.services_by_count)},
          {"services_by_impact", services_json(in.services_by_impact)},
          {"actions", actions_json(in)}};
}

// ---------------------------------------------------------------- SVG

namespace {

// Colours: the Okabe-Ito palette's blue, bluish green and vermillion, and for
// the severities, most severe first, a ramp from dark red to light whose
// steps differ in lightness as well as hue, so that they stay apart for every
// common colour blindness (levels past the fifth share its colour; their
// classes still differ). Each has at least 3:1 contrast on white but the
// spread's band, which the median's line and dots (5.2:1) draw over.
constexpr std::array<const char*, 5> kSeverityFills = {"#7f1d1d", "#c0392b", "#d55e00", "#8a8a8a", "#cc79a7"};
constexpr const char* kBlue = "#0072b2";
constexpr const char* kBand = "#a6d3f0";
constexpr const char* kGreen = "#009e73";
constexpr const char* kVermillion = "#d55e00";

constexpr double kWidth = 640;
constexpr double kFontSize = 12;

// The box a chart plots in, in viewBox units.
struct Plot {
  double left, top, right, bottom;  ///< of the plotting area
  double height() const { return bottom - top; }
  double width() const { return right - left; }
};
// Charts by month: a legend above, two lines of month labels below.
constexpr Plot kMonthPlot = {56, 32, kWidth - 12, 222};
constexpr double kMonthChartHeight = 262;

// One decimal at most, the same bytes for the same figure ("12", "12.5").
std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  std::string s = buf;
  if (s == "-0.0") return "0";
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  return s;
}

// Text for the SVG and the table: control characters shown (XML forbids them)
// and the markup characters escaped.
std::string text_of(const std::string& s) { return escape_html(printable(s)); }

std::string plural(size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string percent(size_t part, size_t whole) { return std::to_string((200 * part + whole) / (2 * whole)) + "%"; }

// What a duration may be missing, in the table and the tooltips.
std::string duration_or_no_data(const std::optional<Seconds>& s) { return s ? format_duration(*s) : "no data"; }

std::string svg_open(const std::string& id, double height, const std::string& title, const std::string& summary) {
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + num(kWidth) + " " + num(height) +
         "\" role=\"img\" aria-labelledby=\"" + id + "-title " + id +
         "-desc\" class=\"chart\" font-family=\"sans-serif\" font-size=\"" + num(kFontSize) + "\">\n<title id=\"" + id +
         "-title\">" + text_of(title) + "</title>\n<desc id=\"" + id + "-desc\">" + text_of(summary) + "</desc>\n";
}

std::string text_at(double x, double y, const std::string& text, const char* anchor = "start") {
  std::string out = "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\"";
  if (std::string(anchor) != "start") out += " text-anchor=\"" + std::string(anchor) + "\"";
  return out + ">" + text_of(text) + "</text>\n";
}

std::string rect(const std::string& cls, const char* fill, double x, double y, double w, double h,
                 const std::string& tip) {
  std::string out = "<rect class=\"" + cls + "\" fill=\"" + fill + "\" x=\"" + num(x) + "\" y=\"" + num(y) +
                    "\" width=\"" + num(w) + "\" height=\"" + num(h) + "\"";
  if (tip.empty()) return out + "/>\n";
  return out + "><title>" + text_of(tip) + "</title></rect>\n";
}

std::string no_data(const Plot& plot, const std::string& message) {
  return text_at((plot.left + plot.right) / 2, (plot.top + plot.bottom) / 2, message, "middle");
}

// One entry of a legend: a swatch of the class's colour and its name.
struct LegendKey {
  std::string cls;
  const char* fill;
  std::string label;
};

std::string legend(const std::vector<LegendKey>& keys, double x, double y) {
  std::string out;
  for (const auto& k : keys) {
    out += rect(k.cls + " swatch", k.fill, x, y - 10, 10, 10, "");
    out += text_at(x + 14, y, k.label);
    // An estimate of the label's width: sans-serif at 12 averages under 7 units a character.
    x += 14 + 7 * static_cast<double>(k.label.size()) + 14;
  }
  return out;
}

// A value axis from 0 in steps of 1, 2 or 5 times a power of ten of `unit`,
// with at most five steps.
struct ValueAxis {
  long long unit = 1;  ///< seconds per tick unit, or 1 for counts
  const char* suffix = "";
  long long step = 1;  ///< in `unit`s
  long long top = 1;   ///< in `unit`s, a multiple of step
  double top_value() const { return static_cast<double>(top * unit); }
  std::string label(long long ticks) const { return ticks == 0 ? "0" : std::to_string(ticks) + suffix; }
};

ValueAxis axis_for(long long max_value, long long unit, const char* suffix) {
  ValueAxis axis;
  axis.unit = unit;
  axis.suffix = suffix;
  const long long units = std::max(1LL, (max_value + unit - 1) / unit);
  for (long long power = 1;; power *= 10)
    for (const long long m : {1, 2, 5}) {
      const long long steps = (units + m * power - 1) / (m * power);
      if (steps <= 5) {
        axis.step = m * power;
        axis.top = steps * axis.step;
        return axis;
      }
    }
}

// A duration axis in the unit that suits the longest figure: seconds under
// two minutes, minutes under two hours, hours under two days, then days.
ValueAxis duration_axis(Seconds longest) {
  const long long s = longest.count();
  if (s < 120) return axis_for(s, 1, "s");
  if (s < 7200) return axis_for(s, 60, "m");
  if (s < 172800) return axis_for(s, 3600, "h");
  return axis_for(s, 86400, "d");
}

double y_of(const Plot& plot, const ValueAxis& axis, double value) {
  return plot.bottom - plot.height() * value / axis.top_value();
}

std::string value_gridlines(const Plot& plot, const ValueAxis& axis) {
  std::string out = "<g class=\"grid\" stroke=\"#d9d9d9\">\n";
  std::string labels;
  for (long long t = 0; t <= axis.top; t += axis.step) {
    const double y = y_of(plot, axis, static_cast<double>(t * axis.unit));
    out += "<line x1=\"" + num(plot.left) + "\" x2=\"" + num(plot.right) + "\" y1=\"" + num(y) + "\" y2=\"" + num(y) +
           "\"/>\n";
    labels += text_at(plot.left - 6, y + 4, axis.label(t), "end");
  }
  return out + "</g>\n<g class=\"axis\">\n" + labels + "</g>\n";
}

const char* const kMonthNames[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

double slot_width(const Plot& plot, size_t months) { return plot.width() / static_cast<double>(months); }
double slot_centre(const Plot& plot, size_t months, size_t i) {
  return plot.left + slot_width(plot, months) * (static_cast<double>(i) + 0.5);
}

// "Mar" under each month (every few months when there are many), and the
// year under the first month and each January.
std::string month_labels(const Plot& plot, const std::vector<std::string>& months) {
  std::string out = "<g class=\"axis\">\n";
  const size_t every = (months.size() + 11) / 12;
  for (size_t i = 0; i < months.size(); ++i) {
    const int month = std::stoi(months[i].substr(5, 2));
    if (i % every != 0 && month != 1) continue;
    const double x = slot_centre(plot, months.size(), i);
    out += text_at(x, plot.bottom + 16, kMonthNames[month - 1], "middle");
    if (i == 0 || month == 1) out += text_at(x, plot.bottom + 31, months[i].substr(0, 4), "middle");
  }
  return out + "</g>\n";
}

// Bars of stacked series per month, the first series at the bottom, with
// each month's total above its bar.
struct StackedSeries {
  std::vector<LegendKey> keys;
  std::vector<std::vector<size_t>> values;  ///< [month][series]
  std::function<std::string(size_t month, size_t series, size_t value)> tip;
};

std::string stacked_month_bars(const std::vector<std::string>& months, const StackedSeries& series,
                               const std::string& empty_message) {
  const Plot& plot = kMonthPlot;
  std::string out = legend(series.keys, plot.left, 16);
  size_t highest = 0;
  for (const auto& month : series.values) {
    size_t total = 0;
    for (const auto v : month) total += v;
    highest = std::max(highest, total);
  }
  if (highest == 0) return out + no_data(plot, empty_message) + month_labels(plot, months);
  const ValueAxis axis = axis_for(static_cast<long long>(highest), 1, "");
  out += value_gridlines(plot, axis);
  const double bar = slot_width(plot, months.size()) * 0.6;
  for (size_t m = 0; m < months.size(); ++m) {
    const double x = slot_centre(plot, months.size(), m) - bar / 2;
    size_t below = 0;
    for (size_t s = 0; s < series.keys.size(); ++s) {
      const size_t v = series.values[m][s];
      if (v == 0) continue;
      const double top = y_of(plot, axis, static_cast<double>(below + v));
      const double bottom = y_of(plot, axis, static_cast<double>(below));
      out += rect(series.keys[s].cls, series.keys[s].fill, x, top, bar, bottom - top, series.tip(m, s, v));
      below += v;
    }
    if (below > 0)
      out += text_at(x + bar / 2, y_of(plot, axis, static_cast<double>(below)) - 4, std::to_string(below), "middle");
  }
  return out + month_labels(plot, months);
}

std::string html_table(const std::string& caption, const std::vector<std::string>& columns,
                       const std::vector<std::vector<std::string>>& rows, const std::vector<std::string>& footer = {}) {
  const auto row_html = [](const std::vector<std::string>& cells) {
    std::string out = "<tr><th scope=\"row\">" + text_of(cells.front()) + "</th>";
    for (size_t i = 1; i < cells.size(); ++i) out += "<td>" + text_of(cells[i]) + "</td>";
    return out + "</tr>\n";
  };
  std::string out = "<table>\n<caption>" + text_of(caption) + "</caption>\n<thead><tr>";
  for (const auto& c : columns) out += "<th scope=\"col\">" + text_of(c) + "</th>";
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& r : rows) out += row_html(r);
  out += "</tbody>\n";
  if (!footer.empty()) out += "<tfoot>\n" + row_html(footer) + "</tfoot>\n";
  return out + "</table>\n";
}

std::string period(const Insights& in) { return "from " + in.months.front() + " to " + in.months.back(); }

// ------------------------------------------------------------ the charts

Chart incidents_chart(const Insights& in, const Json& json) {
  Chart c{"incidents-by-severity", "Incidents per month by severity", "", "", "", json["incidents_by_severity"]};
  std::vector<size_t> by_severity(in.severities.size(), 0);
  for (const auto& month : in.incidents)
    for (size_t s = 0; s < month.size(); ++s) by_severity[s] += month[s];
  size_t total = 0;
  std::vector<std::string> parts;
  for (size_t s = 0; s < by_severity.size(); ++s) {
    total += by_severity[s];
    if (by_severity[s] > 0) parts.push_back(std::to_string(by_severity[s]) + " " + in.severities[s]);
  }
  c.summary = total == 0
                  ? "No incidents in these months (" + period(in) + ")."
                  : plural(total, "incident", "incidents") + " declared " + period(in) + ": " + join(parts) + ".";
  StackedSeries series;
  for (size_t s = 0; s < in.severities.size(); ++s)
    series.keys.push_back(
        {"sev-" + std::to_string(s), kSeverityFills[std::min(s, kSeverityFills.size() - 1)], in.severities[s]});
  series.values = in.incidents;
  series.tip = [&in](size_t m, size_t s, size_t v) {
    return in.months[m] + ", " + in.severities[s] + ": " + plural(v, "incident", "incidents");
  };
  c.svg = svg_open(c.id, kMonthChartHeight, c.title, c.summary) +
          stacked_month_bars(in.months, series, "No incidents in these months") + "</svg>\n";
  std::vector<std::string> columns = {"Month"};
  columns.insert(columns.end(), in.severities.begin(), in.severities.end());
  columns.push_back("Total");
  std::vector<std::vector<std::string>> rows;
  for (size_t m = 0; m < in.months.size(); ++m) {
    std::vector<std::string> row = {in.months[m]};
    size_t month_total = 0;
    for (const auto v : in.incidents[m]) {
      row.push_back(std::to_string(v));
      month_total += v;
    }
    row.push_back(std::to_string(month_total));
    rows.push_back(std::move(row));
  }
  c.table_html = html_table(c.title, columns, rows);
  return c;
}

std::string spread_tip(const std::string& month, const Spread& s) {
  return month + ": 25th to 75th percentile " + duration_or_no_data(s.low) + " to " + duration_or_no_data(s.high);
}

std::string median_tip(const std::string& month, const Spread& s) {
  return month + ": median " + duration_or_no_data(s.median) + " over " + plural(s.count, "incident", "incidents");
}

// The medians joined month to month; a month without data breaks the line.
std::string median_lines(const std::vector<std::pair<double, double>>& points, const std::vector<bool>& present) {
  std::string out;
  std::string run;
  size_t in_run = 0;
  const auto flush = [&] {
    if (in_run > 1)
      out += "<polyline class=\"median-line\" fill=\"none\" stroke=\"" + std::string(kBlue) +
             "\" stroke-width=\"2\" points=\"" + run + "\"/>\n";
    run.clear();
    in_run = 0;
  };
  for (size_t i = 0; i < points.size(); ++i) {
    if (!present[i]) {
      flush();
      continue;
    }
    run += (in_run ? " " : "") + num(points[i].first) + "," + num(points[i].second);
    ++in_run;
  }
  flush();
  return out;
}

std::string measure_plot(const Insights& in, const MeasureByMonth& measure) {
  const Plot& plot = kMonthPlot;
  std::string out = legend({{"median", kBlue, "Median"}, {"spread", kBand, "25th to 75th percentile"}}, plot.left, 16);
  Seconds longest{0};
  bool any = false;
  for (const auto& s : measure.months)
    if (s.high) {
      longest = std::max(longest, *s.high);
      any = true;
    }
  if (!any) return out + no_data(plot, "No data") + month_labels(plot, in.months);
  const ValueAxis axis = duration_axis(longest);
  out += value_gridlines(plot, axis);
  const double band = slot_width(plot, in.months.size()) * 0.5;
  std::vector<std::pair<double, double>> points;
  std::vector<bool> present;
  std::string dots;
  for (size_t m = 0; m < in.months.size(); ++m) {
    const Spread& s = measure.months[m];
    const double x = slot_centre(plot, in.months.size(), m);
    present.push_back(s.median.has_value());
    points.emplace_back(x, s.median ? y_of(plot, axis, static_cast<double>(s.median->count())) : 0.0);
    if (!s.median) continue;
    const double high = y_of(plot, axis, static_cast<double>(s.high->count()));
    const double low = y_of(plot, axis, static_cast<double>(s.low->count()));
    out += rect("spread", kBand, x - band / 2, high, band, low - high, spread_tip(in.months[m], s));
    dots += "<circle class=\"median\" fill=\"" + std::string(kBlue) + "\" cx=\"" + num(x) + "\" cy=\"" +
            num(points.back().second) + "\" r=\"3.5\"><title>" + text_of(median_tip(in.months[m], s)) +
            "</title></circle>\n";
  }
  return out + median_lines(points, present) + dots + month_labels(plot, in.months);
}

std::string chart_id_of(const std::string& measure) {
  for (const auto& m : kMeasures)
    if (measure == m.name) return m.chart_id;
  return "time-to-" + measure;
}

Chart measure_chart(const Insights& in, const Json& json, size_t index) {
  const MeasureByMonth& measure = in.measures[index];
  Chart c{chart_id_of(measure.name), measure.title, "", "", "", json["measures"][index]};
  size_t with_data = 0;
  for (const auto& s : measure.months) with_data += s.count;
  c.summary = with_data == 0 ? measure.title + " per month " + period(in) + ": no data."
                             : measure.title + " per month " + period(in) +
                                   ": the median of each month and the 25th to 75th percentile around it, over " +
                                   plural(with_data, "incident", "incidents") + " that have it.";
  c.svg = svg_open(c.id, kMonthChartHeight, c.title, c.summary) + measure_plot(in, measure) + "</svg>\n";
  std::vector<std::vector<std::string>> rows;
  for (size_t m = 0; m < in.months.size(); ++m) {
    const Spread& s = measure.months[m];
    rows.push_back({in.months[m], std::to_string(s.count), duration_or_no_data(s.low), duration_or_no_data(s.median),
                    duration_or_no_data(s.high)});
  }
  c.table_html =
      html_table(c.title + " per month", {"Month", "Incidents", "25th percentile", "Median", "75th percentile"}, rows);
  return c;
}

// Long names cut to `most` characters (UTF-8 aware) with an ellipsis; the
// bar's tooltip and the table keep the whole name.
std::string shortened(const std::string& s, size_t most) {
  size_t characters = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
    if (++characters > most) return s.substr(0, i) + "\u2026";
  }
  return s;
}

struct ServiceBars {
  std::function<long long(const ServiceLoad&)> value;
  std::function<std::string(const ServiceLoad&)> label;  ///< at the bar's end
};

std::string service_bars(const std::vector<ServiceLoad>& loads, const ServiceBars& bars, double height) {
  constexpr double kLabelRight = 170, kBarLeft = 176, kValueRoom = 96, kRow = 24, kTop = 8;
  if (loads.empty()) return text_at(kWidth / 2, height / 2, "No incidents in these months", "middle");
  long long highest = 1;
  for (const auto& l : loads) highest = std::max(highest, bars.value(l));
  const double room = kWidth - kBarLeft - kValueRoom;
  std::string out;
  for (size_t i = 0; i < loads.size(); ++i) {
    const ServiceLoad& l = loads[i];
    const double y = kTop + kRow * static_cast<double>(i);
    const double w = room * static_cast<double>(bars.value(l)) / static_cast<double>(highest);
    out += text_at(kLabelRight, y + 15, shortened(l.service, 22), "end");
    out +=
        rect("bar", kBlue, kBarLeft, y + 3, w, kRow - 6,
             l.service + ": " + plural(l.incidents, "incident", "incidents") + ", impact " + format_duration(l.impact));
    out += text_at(kBarLeft + w + 6, y + 15, bars.label(l));
  }
  return out;
}

enum class Ranking { by_count, by_impact };

Chart services_chart(const Insights& in, const Json& json, Ranking ranking) {
  const bool by_impact = ranking == Ranking::by_impact;
  const std::vector<ServiceLoad>& loads = by_impact ? in.services_by_impact : in.services_by_count;
  Chart c{by_impact ? "services-by-impact" : "services-by-count",
          by_impact ? "Top services by impact" : "Top services by incidents",
          "",
          "",
          "",
          json[by_impact ? "services_by_impact" : "services_by_count"]};
  ServiceBars bars;
  if (by_impact) {
    bars.value = [](const ServiceLoad& l) { return static_cast<long long>(l.impact.count()); };
    bars.label = [](const ServiceLoad& l) { return format_duration(l.impact); };
  } else {
    bars.value = [](const ServiceLoad& l) { return static_cast<long long>(l.incidents); };
    bars.label = [](const ServiceLoad& l) { return std::to_string(l.incidents); };
  }
  std::vector<std::string> parts;
  for (const auto& l : loads) parts.push_back(l.service + " " + bars.label(l));
  c.summary = loads.empty() ? "No incidents in these months (" + period(in) + ")."
                            : std::string(by_impact ? "Impact of the incidents declared " : "Incidents declared ") +
                                  period(in) + " by service, " + (by_impact ? "most impact" : "most incidents") +
                                  " first: " + join(parts) + ".";
  const double height = loads.empty() ? 64 : 16 + 24 * static_cast<double>(loads.size());
  c.svg = svg_open(c.id, height, c.title, c.summary) + service_bars(loads, bars, height) + "</svg>\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& l : loads) rows.push_back({l.service, std::to_string(l.incidents), format_duration(l.impact)});
  c.table_html = html_table(c.title, {"Service", "Incidents", "Impact"}, rows);
  return c;
}

Chart actions_chart(const Insights& in, const Json& json) {
  Chart c{"actions", "Follow-up actions by month added", "", "", "", json["actions"]};
  const size_t all = in.actions_done + in.actions_open;
  c.summary = all == 0 ? "No follow-up actions yet."
                       : "Of " + plural(all, "follow-up action", "follow-up actions") + ", " +
                             std::to_string(in.actions_done) + " " + (in.actions_done == 1 ? "is" : "are") + " done (" +
                             percent(in.actions_done, all) + "), " + std::to_string(in.actions_open) + " open, " +
                             std::to_string(in.actions_overdue) + " of them overdue; the bars show those added " +
                             period(in) + ".";
  StackedSeries series;
  series.keys = {{"done", kGreen, "Done"}, {"open", kBlue, "Open"}, {"overdue", kVermillion, "Overdue"}};
  for (const auto& a : in.actions) series.values.push_back({a.done, a.open - a.overdue, a.overdue});
  series.tip = [&in](size_t m, size_t s, size_t v) {
    static const char* const states[] = {"done", "open, not overdue", "overdue"};
    return in.months[m] + ": " + plural(v, "action", "actions") + " " + states[s];
  };
  c.svg = svg_open(c.id, kMonthChartHeight, c.title, c.summary) + stacked_month_bars(in.months, series, "No data") +
          "</svg>\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& a : in.actions)
    rows.push_back(
        {a.month, std::to_string(a.added), std::to_string(a.done), std::to_string(a.open), std::to_string(a.overdue)});
  c.table_html = html_table(c.title, {"Month added", "Added", "Done", "Open", "Overdue"}, rows,
                            {"All, whenever added", std::to_string(all), std::to_string(in.actions_done),
                             std::to_string(in.actions_open), std::to_string(in.actions_overdue)});
  return c;
}

}  // namespace

std::vector<Chart> insights_charts(const Insights& in) {
  const Json json = insights_to_json(in);
  std::vector<Chart> charts;
  charts.push_back(incidents_chart(in, json));
  for (size_t m = 0; m < in.measures.size(); ++m) charts.push_back(measure_chart(in, json, m));
  charts.push_back(services_chart(in, json, Ranking::by_count));
  charts.push_back(services_chart(in, json, Ranking::by_impact));
  charts.push_back(actions_chart(in, json));
  return charts;
}

}  // namespace irctl
