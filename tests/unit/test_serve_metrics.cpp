// irctl serve's /metrics (core/serve/metrics.hpp): Prometheus's text format,
// compared whole.

#include <doctest/doctest.h>

#include "core/serve/metrics.hpp"
#include "support.hpp"

namespace test_serve_metrics {

using namespace irctl;
using namespace irctl::testing;

TEST_SUITE("serve_metrics") {
  TEST_CASE("counters and gauges by labels, escaped, in name then label order; an untouched metric at 0") {
    ServeMetrics m;
    m.declare("http_requests_total", ServeMetrics::Kind::counter, "Requests, by route and status.");
    m.declare("queue_depth", ServeMetrics::Kind::gauge, "Deliveries spooled and not yet committed.");
    m.declare("push_failures_total", ServeMetrics::Kind::counter, "Pushes that failed.\nRetried with backoff.");
    m.add("http_requests_total", {{"route", "/v1/alerts"}, {"status", "202"}});
    m.add("http_requests_total", {{"route", "/v1/alerts"}, {"status", "202"}});
    m.add("http_requests_total", {{"route", "/healthz"}, {"status", "200"}});
    m.add("http_requests_total", {{"route", "a\"b\\c\nd"}, {"status", "401"}});
    m.set("queue_depth", {}, 3);
    m.set("queue_depth", {}, 1.5);
    CHECK(m.exposition() ==
          "# HELP irctl_http_requests_total Requests, by route and status.\n"
          "# TYPE irctl_http_requests_total counter\n"
          "irctl_http_requests_total{route=\"/healthz\",status=\"200\"} 1\n"
          "irctl_http_requests_total{route=\"/v1/alerts\",status=\"202\"} 2\n"
          "irctl_http_requests_total{route=\"a\\\"b\\\\c\\nd\",status=\"401\"} 1\n"
          "# HELP irctl_push_failures_total Pushes that failed.\\nRetried with backoff.\n"
          "# TYPE irctl_push_failures_total counter\n"
          "irctl_push_failures_total 0\n"
          "# HELP irctl_queue_depth Deliveries spooled and not yet committed.\n"
          "# TYPE irctl_queue_depth gauge\n"
          "irctl_queue_depth 1.5\n");
    CHECK(code_of([&] { m.add("never_declared"); }) == Errc::failure);
  }
}

}  // namespace test_serve_metrics
