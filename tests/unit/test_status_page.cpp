// The public status page's facts (core/status_page.hpp): which incidents are
// public, the states the lifecycle maps to, component states, and uptime
// per day, every figure worked out by hand in the comments.

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/status_page.hpp"
#include "support.hpp"

namespace test_status_page {

using namespace irctl;

namespace {

Timestamp utc(int month, int day, int hour, int minute) { return from_civil({2026, month, day, hour, minute, 0, 0}); }

Config config_with_services() {
  return parse_config(default_config_text() +
                          "\n[[service]]\nname = \"checkout\"\ntitle = \"Checkout\"\ngroup = \"Shop\"\n"
                          "\n[[service]]\nname = \"payments\"\ntitle = \"Payments\"\ngroup = \"Shop\"\n"
                          "\n[[service]]\nname = \"batch\"\nstatus_page = false\n"
                          "\n[status_page]\ntitle = \"Acme status\"\nhistory_days = 2\n",
                      ".irctl/config.toml");
}

Event event(const std::string& id, Timestamp at, const std::string& type, const std::string& text,
            std::vector<std::pair<std::string, std::string>> set = {}, const std::string& audience = "") {
  Event e;
  e.id = id;
  e.at = at;
  e.by = "Alice Example <alice@example.com>";
  e.type = type;
  e.text = text;
  for (const auto& [key, value] : set) e.set[key] = TomlValue(value);
  if (!audience.empty()) e.details["audience"] = TomlValue(audience);
  return e;
}

// Public, resolved: SEV2 from 09:30 (impact began before it was declared),
// SEV1 from 10:30, recovery from 11:30, resolved at 12:00, on 10 March; two
// external updates and an internal one.
Incident resolved_outage() {
  Incident inc;
  inc.id = "INC-20260310-AAAAAA";
  inc.title = "Internal title: db-7 disk full on the primary";
  inc.status = "resolved";
  inc.severity = "SEV1";
  inc.services = {"checkout", "batch"};
  inc.started_at = utc(3, 10, 9, 30);
  inc.declared_at = utc(3, 10, 10, 0);
  inc.resolved_at = utc(3, 10, 12, 0);
  inc.timeline = {
      event("E1", utc(3, 10, 10, 0), "declare", "declared", {{"severity", "SEV2"}, {"status", "identification"}}),
      event("E2", utc(3, 10, 10, 5), "update", "We are investigating errors at checkout.", {}, "external"),
      event("E3", utc(3, 10, 10, 30), "severity", "SEV2 -> SEV1", {{"severity", "SEV1"}}),
      event("E4", utc(3, 10, 10, 40), "update", "db-7 is full; Bob is on it", {}, "internal"),
      event("E5", utc(3, 10, 11, 0), "contain", "failed over", {{"status", "containment"}}),
      event("E6", utc(3, 10, 11, 5), "update", "We found the cause and are fixing it.", {}, "external"),
      event("E7", utc(3, 10, 11, 30), "recover", "traffic back", {{"status", "recovery"}}),
      event("E8", utc(3, 10, 12, 0), "resolve", "resolved", {{"status", "resolved"}}),
  };
  return inc;
}

// Internal only: it never reaches the page, nor its components.
Incident internal_only() {
  Incident inc;
  inc.id = "INC-20260311-BBBBBB";
  inc.status = "identification";
  inc.severity = "SEV1";
  inc.services = {"checkout"};
  inc.declared_at = utc(3, 11, 8, 0);
  inc.timeline = {
      event("F1", utc(3, 11, 8, 0), "declare", "declared", {{"severity", "SEV1"}, {"status", "identification"}}),
      event("F2", utc(3, 11, 8, 5), "update", "internal only", {}, "internal"),
  };
  return inc;
}

// Public and open: SEV3 on payments since 11:00 on 11 March.
Incident open_degradation() {
  Incident inc;
  inc.id = "INC-20260311-CCCCCC";
  inc.status = "identification";
  inc.severity = "SEV3";
  inc.services = {"payments"};
  inc.declared_at = utc(3, 11, 11, 0);
  inc.timeline = {
      event("G1", utc(3, 11, 11, 0), "declare", "declared", {{"severity", "SEV3"}, {"status", "identification"}}),
      event("G2", utc(3, 11, 11, 10), "update", "Payments are slow.", {}, "external"),
  };
  return inc;
}

}  // namespace

TEST_SUITE("status page") {
  TEST_CASE("the lifecycle maps onto the states status pages use") {
    CHECK(public_incident_state("identification") == "investigating");
    CHECK(public_incident_state("containment") == "identified");
    CHECK(public_incident_state("eradication") == "identified");
    CHECK(public_incident_state("recovery") == "monitoring");
    CHECK(public_incident_state("resolved") == "resolved");
    CHECK(public_incident_state("closed") == "resolved");
  }

  TEST_CASE("only incidents with an external update are public; their updates, states and a resolution") {
    const StatusPage page = make_status_page(config_with_services(), {resolved_outage(), internal_only(), open_degradation()},
                                             {}, utc(3, 11, 12, 0));
    REQUIRE(page.incidents.size() == 2);
    const PublicIncident& open = page.incidents[0];  // newest first
    CHECK(open.id == "INC-20260311-CCCCCC");
    CHECK(open.name == "Degraded performance: Payments");
    CHECK(open.state == "investigating");
    CHECK(open.impact == "minor");
    const PublicIncident& done = page.incidents[1];
    CHECK(done.id == "INC-20260310-AAAAAA");
    CHECK(done.name == "Major outage: Checkout");  // not its title; batch is not on the page
    CHECK(done.components == std::vector<std::string>{"checkout"});
    CHECK(done.impact == "critical");
    CHECK(done.state == "resolved");
    CHECK(done.created_at == utc(3, 10, 10, 5));
    CHECK(done.resolved_at == utc(3, 10, 12, 0));
    REQUIRE(done.updates.size() == 3);
    CHECK(done.updates[0].state == "investigating");
    CHECK(done.updates[0].text == "We are investigating errors at checkout.");
    CHECK(done.updates[1].state == "identified");
    CHECK(done.updates[2].state == "resolved");
    CHECK(done.updates[2].text == "This incident has been resolved.");
    CHECK(done.updates[2].at == utc(3, 10, 12, 0));
    // 09:30-10:30 partial outage (SEV2), 10:30-11:30 major (SEV1), 11:30-12:00 degraded (recovery)
    REQUIRE(done.windows.size() == 3);
    CHECK(done.windows[0].from == utc(3, 10, 9, 30));
    CHECK(done.windows[0].to == utc(3, 10, 10, 30));
    CHECK(done.windows[0].state == ComponentState::partial_outage);
    CHECK(done.windows[1].state == ComponentState::major_outage);
    CHECK(done.windows[2].from == utc(3, 10, 11, 30));
    CHECK(done.windows[2].to == utc(3, 10, 12, 0));
    CHECK(done.windows[2].state == ComponentState::degraded_performance);
  }

  TEST_CASE("components: states now, uptime per day, and the page's overall state") {
    const StatusPage page = make_status_page(config_with_services(), {resolved_outage(), internal_only(), open_degradation()},
                                             {}, utc(3, 11, 12, 0));
    REQUIRE(page.components.size() == 2);  // batch is left off
    const Component& checkout = page.components[0];
    CHECK(checkout.title == "Checkout");
    CHECK(checkout.group == "Shop");
    CHECK(checkout.state == ComponentState::operational);  // the internal incident does not count
    REQUIRE(checkout.days.size() == 2);
    CHECK(checkout.days[0].date == "2026-03-10");
    // 60 min of partial outage at 30 % and 60 min of major outage: 78 of 1,440 minutes down
    CHECK(checkout.days[0].uptime == doctest::Approx(1.0 - 78.0 / 1440.0));
    CHECK(checkout.days[0].worst == ComponentState::major_outage);
    CHECK(checkout.days[0].incidents == std::vector<std::string>{"INC-20260310-AAAAAA"});
    CHECK(checkout.days[1].date == "2026-03-11");
    CHECK(checkout.days[1].uptime == 1.0);
    // 4,680 s down of 86,400 + 43,200 (today, until noon)
    CHECK(checkout.uptime == doctest::Approx((129600.0 - 4680.0) / 129600.0));
    const Component& payments = page.components[1];
    CHECK(payments.state == ComponentState::degraded_performance);
    CHECK(payments.days[1].worst == ComponentState::degraded_performance);
    CHECK(payments.days[1].uptime == 1.0);  // degraded performance counts as up
    CHECK(page.overall == ComponentState::degraded_performance);
    CHECK(page.indicator == "minor");
    CHECK(page.description == "Degraded performance");
    CHECK(page.config.title == "Acme status");
  }

  TEST_CASE("a maintenance window in progress shows its components under maintenance; a worse incident wins") {
    PublicMaintenance m{"MNT-20260311-DDDDDD", "Database upgrade", "", {"checkout", "payments"},
                        utc(3, 11, 11, 30), utc(3, 11, 13, 0), "in_progress"};
    const StatusPage page =
        make_status_page(config_with_services(), {open_degradation()}, {m}, utc(3, 11, 12, 0));
    CHECK(page.components[0].state == ComponentState::under_maintenance);
    CHECK(page.components[1].state == ComponentState::degraded_performance);
    CHECK(page.maintenance.size() == 1);
  }

  TEST_CASE("maintenance that has begun marks the day bars of its components, counts as up, and is no incident") {
    PublicMaintenance done{"MNT-20260310-EEEEEE", "Payments move",  "",         {"payments"},
                           utc(3, 10, 2, 0),      utc(3, 10, 3, 0), "completed"};
    PublicMaintenance running{"MNT-20260311-DDDDDD", "Database upgrade", "",           {"checkout", "payments"},
                              utc(3, 11, 11, 30),    utc(3, 11, 13, 0),  "in_progress"};
    PublicMaintenance later{"MNT-20260311-FFFFFF", "Search index",   "",         {"checkout"},
                            utc(3, 12, 1, 0),      utc(3, 12, 2, 0), "scheduled"};
    const StatusPage page =
        make_status_page(config_with_services(), {open_degradation()}, {done, running, later}, utc(3, 11, 12, 0));
    const Component& checkout = page.components[0];
    CHECK(checkout.days[0].worst == ComponentState::operational);
    CHECK(checkout.days[1].worst == ComponentState::under_maintenance);
    CHECK(checkout.days[1].incidents.empty());
    CHECK(checkout.uptime == 1.0);
    const Component& payments = page.components[1];
    CHECK(payments.days[0].worst == ComponentState::under_maintenance);
    CHECK(payments.days[0].uptime == 1.0);
    CHECK(payments.days[1].worst == ComponentState::degraded_performance);  // worse than the maintenance
    CHECK(payments.days[1].incidents == std::vector<std::string>{"INC-20260311-CCCCCC"});
  }

  TEST_CASE("a status_page table that is wrong is refused with its line") {
    CHECK_THROWS_WITH_AS(parse_config(default_config_text() + "\n[status_page]\ncolor = \"blue\"\n", "c.toml"),
                         doctest::Contains("status_page.color must be a colour"), Error);
    CHECK_THROWS_WITH_AS(parse_config(default_config_text() + "\n[status_page]\nurl = \"status.example.com\"\n", "c.toml"),
                         doctest::Contains("status_page.url must be an http or https URL"), Error);
    CHECK_THROWS_AS(parse_config(default_config_text() + "\n[status_page]\ncolour = \"#000000\"\n", "c.toml"), Error);
    CHECK_THROWS_WITH_AS(parse_config(default_config_text() +
                                          "\n[[status_page.link]]\nname = \"x\"\nurl = \"javascript:alert(1)\"\n",
                                      "c.toml"),
                         doctest::Contains("a status_page link must be an http, https or mailto URL, or a path"), Error);
    CHECK_THROWS_WITH_AS(parse_config(default_config_text() + "\n[status_page]\nlogo = \"data:image/svg+xml,x\"\n", "c.toml"),
                         doctest::Contains("status_page.logo must be an http or https URL, or a path"), Error);
    const Config ok = parse_config(default_config_text() +
                                       "\n[[status_page.link]]\nname = \"Support\"\nurl = \"mailto:help@example.com\"\n"
                                       "\n[[status_page.link]]\nname = \"Home\"\nurl = \"https://example.com/\"\n"
                                       "\n[[status_page.link]]\nname = \"Terms\"\nurl = \"terms.html\"\n",
                                   "c.toml");
    CHECK(ok.status_page.links.size() == 3);
  }
}

}  // namespace test_status_page
