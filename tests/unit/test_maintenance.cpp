// Scheduled maintenance (core/maintenance.hpp, core/model/maintenance_file.hpp):
// the windows' files, their states, the iCalendar feed, and the writes.

#include <doctest/doctest.h>

#include "core/maintenance.hpp"
#include "core/model/ids.hpp"
#include "support.hpp"

namespace test_maintenance {

using namespace irctl;
using namespace irctl::testing;

namespace {

const Timestamp kStart = from_civil({2026, 12, 5, 2, 0, 0, 0});
const Timestamp kEnd = from_civil({2026, 12, 5, 4, 0, 0, 0});
const Timestamp kNow = from_civil({2026, 12, 1, 9, 30, 0, 0});

Maintenance upgrade() {
  Maintenance m;
  m.id = "MNT-20261205-K7QXM4";
  m.title = "Upgrade: db, cache; C:\\tmp";
  m.text = "Checkout may be slow.\nSearch too.";
  m.services = {"checkout", "search"};
  m.starts_at = kStart;
  m.ends_at = kEnd;
  m.created_at = kNow;
  m.created_by = "Alice Example <alice@example.com>";
  m.path = "maintenance/2026/MNT-20261205-K7QXM4.toml";
  return m;
}

// Cancelled; its title puts the 'ü' (two octets) across the 75th octet of
// the SUMMARY line.
Maintenance migration() {
  Maintenance m;
  m.id = "MNT-20261206-2B3C4D";
  m.title = "Replacing the payment gateways database cluster in Frankfurt and Zürich (Schweiz), then Köln";
  m.services = {"payments"};
  m.starts_at = kStart + std::chrono::hours(24);
  m.ends_at = kEnd + std::chrono::hours(24);
  m.created_at = kNow;
  m.created_by = "Bob <bob@example.com>";
  m.cancelled_at = kNow + std::chrono::hours(1);
  m.cancel_reason = "The vendor postponed it";
  m.path = "maintenance/2026/MNT-20261206-2B3C4D.toml";
  return m;
}

const char* const kConfigServices = R"(
[[service]]
name = "checkout"
team = "payments"

[[service]]
name = "search"
)";

// An incident repository whose configuration has the services checkout and search.
Repository repository_with_services(const TempDir& dir, const NewRepository& options = {}) {
  Repository repo = new_repository(dir, options);
  repo.commit({FileWrite{.path = kConfigPath, .content = *repo.read(kConfigPath) + kConfigServices}}, "services",
              kAlice, now_utc());
  return Repository::discover(dir.path());
}

MaintenanceRequest request(const std::string& title, Timestamp starts, Timestamp ends) {
  MaintenanceRequest r;
  r.title = title;
  r.services = {"checkout"};
  r.starts_at = starts;
  r.ends_at = ends;
  return r;
}

// "20261205": the date in an ID.
std::string id_date(Timestamp t) {
  std::string date = format_rfc3339(t).substr(0, 10);
  std::erase(date, '-');
  return date;
}

std::string head(const TempDir& dir) { return sh(dir.path(), "git rev-parse HEAD"); }

}  // namespace

TEST_SUITE("maintenance") {
  TEST_CASE("maintenance_state: scheduled before the start, in progress until the end, then completed") {
    Maintenance m = upgrade();
    CHECK(maintenance_state(m, kStart - std::chrono::seconds(1)) == "scheduled");
    CHECK(maintenance_state(m, kStart) == "in_progress");
    CHECK(maintenance_state(m, kEnd - std::chrono::seconds(1)) == "in_progress");
    CHECK(maintenance_state(m, kEnd) == "completed");
    m.cancelled_at = kNow;
    m.cancel_reason = "postponed";
    CHECK(maintenance_state(m, kStart - std::chrono::seconds(1)) == "cancelled");
    CHECK(maintenance_state(m, kStart) == "cancelled");
  }

  TEST_CASE("a window's file reads back as what was written, and its keys come in a fixed order") {
    const Maintenance m = migration();
    const std::string text = render_maintenance(m);
    CHECK(text ==
          "# irctl maintenance window; its format is described in irctl-format(5).\n"
          "schema = 1\n"
          "id = \"MNT-20261206-2B3C4D\"\n"
          "title = \"Replacing the payment gateways database cluster in Frankfurt and Zürich (Schweiz), then Köln\"\n"
          "text = \"\"\n"
          "services = [\"payments\"]\n"
          "starts_at = 2026-12-06T02:00:00Z\n"
          "ends_at = 2026-12-06T04:00:00Z\n"
          "created_at = 2026-12-01T09:30:00Z\n"
          "created_by = \"Bob <bob@example.com>\"\n"
          "cancelled_at = 2026-12-01T10:30:00Z\n"
          "cancel_reason = \"The vendor postponed it\"\n");
    CHECK(parse_maintenance(text, m.path) == m);
    CHECK(parse_maintenance(render_maintenance(upgrade()), upgrade().path) == upgrade());
  }

  TEST_CASE("a window's file that does not validate is refused, naming the file and the key") {
    const std::string good = render_maintenance(upgrade());
    const std::string path = upgrade().path;
    const auto message_of = [&](const std::string& text, const std::string& at) {
      try {
        parse_maintenance(text, at);
      } catch (const Error& e) {
        CHECK(e.code() == Errc::data);
        return std::string(e.what());
      }
      FAIL("no error");
      return std::string();
    };
    CHECK(message_of(replace(good, "ends_at = 2026-12-05T04:00:00Z", "ends_at = 2026-12-05T02:00:00Z"), path) ==
          path + ":8:11: 'ends_at' must be after 'starts_at'");
    CHECK(message_of(replace(good, "services = [\"checkout\", \"search\"]", "services = []"), path) ==
          path + ":6:12: 'services' must name at least one service");
    CHECK(message_of(good + "cancelled_at = 2026-12-02T00:00:00Z\n", path) ==
          path +
              ":11:16: 'cancelled_at' and 'cancel_reason' go together: a cancelled window has both, any other neither");
    CHECK(message_of(good, "maintenance/2027/MNT-20261205-K7QXM4.toml") ==
          "maintenance/2027/MNT-20261205-K7QXM4.toml:3:6: 'id' must be the window's ID, which the file's name "
          "repeats (maintenance/2027/MNT-20261205-K7QXM4.toml)");
    CHECK(message_of(good + "end_at = 2026-12-05T04:00:00Z\n", path).rfind(path + ":", 0) == 0);
    CHECK(message_of(replace(good, "schema = 1", "schema = 2"), path) ==
          path + ":2:10: schema 2 is not supported by this irctl (it reads schema 1); upgrade irctl");
  }

  TEST_CASE("maintenance_to_ical: CRLF lines, TEXT escaped, folded at 75 octets between characters") {
    const std::string ical = maintenance_to_ical({upgrade(), migration()}, kNow, "Example, Inc. maintenance");
    CHECK(ical ==
          "BEGIN:VCALENDAR\r\n"
          "VERSION:2.0\r\n"
          "PRODID:-//irctl//maintenance//EN\r\n"
          "CALSCALE:GREGORIAN\r\n"
          "METHOD:PUBLISH\r\n"
          "X-WR-CALNAME:Example\\, Inc. maintenance\r\n"
          "BEGIN:VEVENT\r\n"
          "UID:MNT-20261205-K7QXM4@irctl\r\n"
          "DTSTAMP:20261201T093000Z\r\n"
          "DTSTART:20261205T020000Z\r\n"
          "DTEND:20261205T040000Z\r\n"
          "SUMMARY:Upgrade: db\\, cache\\; C:\\\\tmp\r\n"
          "DESCRIPTION:Checkout may be slow.\\nSearch too.\\n\\nServices: checkout\\, sear\r\n"
          " ch\r\n"
          "STATUS:CONFIRMED\r\n"
          "SEQUENCE:0\r\n"
          "TRANSP:TRANSPARENT\r\n"
          "END:VEVENT\r\n"
          "BEGIN:VEVENT\r\n"
          "UID:MNT-20261206-2B3C4D@irctl\r\n"
          "DTSTAMP:20261201T093000Z\r\n"
          "DTSTART:20261206T020000Z\r\n"
          "DTEND:20261206T040000Z\r\n"
          "SUMMARY:Replacing the payment gateways database cluster in Frankfurt and Z\r\n"
          " ürich (Schweiz)\\, then Köln\r\n"
          "DESCRIPTION:Services: payments\r\n"
          "STATUS:CANCELLED\r\n"
          "SEQUENCE:1\r\n"
          "TRANSP:TRANSPARENT\r\n"
          "END:VEVENT\r\n"
          "END:VCALENDAR\r\n");
  }

  TEST_CASE("maintenance_to_ical: a parser reads back every window, the long lines unfolded") {
    TempDir dir;
    Maintenance long_text = upgrade();
    long_text.text = std::string(200, 'x') + " ÄÖÜ äöü ß € 😀 end";
    spit(dir.path() / "feed.ics", maintenance_to_ical({long_text, migration()}, kNow, "Example maintenance"));
    spit(dir.path() / "check.py", R"(import sys
raw = open(sys.argv[1], "rb").read()
lines = raw.split(b"\r\n")
assert lines[-1] == b"", "the text ends with CRLF"
for line in lines[:-1]:
    assert b"\n" not in line and b"\r" not in line, line
    assert len(line) <= 75, (len(line), line)
    line.decode("utf-8")  # no line ends inside a character
try:
    import icalendar
except ImportError:  # the line structure is checked above; python3-icalendar parses it where installed
    sys.exit(0)
cal = icalendar.Calendar.from_ical(raw)
events = [(str(e["UID"]), str(e["SUMMARY"]), str(e["DESCRIPTION"]), str(e.get("STATUS")),
           e.decoded("DTSTART").isoformat(), e.decoded("DTEND").isoformat()) for e in cal.walk("VEVENT")]
print(str(cal["X-WR-CALNAME"]))
for e in events:
    print("|".join(e))
)");
    const std::string python = std::filesystem::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
    const std::string out = sh(dir.path(), python + " check.py feed.ics");
    if (!out.empty())  // python3-icalendar parsed it
      CHECK(out ==
            "Example maintenance\n"
            "MNT-20261205-K7QXM4@irctl|Upgrade: db, cache; C:\\tmp|" +
                std::string(200, 'x') +
                " ÄÖÜ äöü ß € 😀 end\n\nServices: checkout, search|CONFIRMED|2026-12-05T02:00:00+00:00|"
                "2026-12-05T04:00:00+00:00\n"
                "MNT-20261206-2B3C4D@irctl|Replacing the payment gateways database cluster in Frankfurt and Zürich "
                "(Schweiz), then Köln|Services: payments|CANCELLED|2026-12-06T02:00:00+00:00|"
                "2026-12-06T04:00:00+00:00\n");
  }

  TEST_CASE("add, cancel and list: every window, cancelled ones too, by start then ID") {
    TempDir dir;
    Repository repo = repository_with_services(dir);
    const Recorder rec = recorder();
    const Timestamp in_a_day = rec.now + std::chrono::hours(24);
    MaintenanceRequest later = request("Database upgrade", in_a_day, in_a_day + std::chrono::hours(2));
    later.text = "Checkout may be slow.";
    later.services = {"checkout", "search", "checkout"};
    const MaintenanceResult added = add_maintenance(repo, later, PastWindow::refused, rec);
    const MaintenanceResult past =
        add_maintenance(repo, request("Cache flush", rec.now - std::chrono::hours(3), rec.now - std::chrono::hours(2)),
                        PastWindow::recorded, rec);
    const MaintenanceResult soon = add_maintenance(
        repo, request("Load balancer swap", rec.now + std::chrono::hours(1), rec.now + std::chrono::hours(2)),
        PastWindow::refused, rec);
    const MaintenanceResult cancelled = cancel_maintenance(repo, soon.window.id, "The vendor postponed it", rec);

    Maintenance expected = added.window;
    CHECK(is_maintenance_id(expected.id));
    CHECK(expected.id.substr(4, 8) == id_date(in_a_day));
    CHECK(expected == Maintenance{expected.id,
                                  "Database upgrade",
                                  "Checkout may be slow.",
                                  {"checkout", "search"},
                                  in_a_day,
                                  in_a_day + std::chrono::hours(2),
                                  rec.at,
                                  kAlice.display(),
                                  std::nullopt,
                                  "",
                                  maintenance_path(expected.id)});
    Maintenance soon_cancelled = soon.window;
    soon_cancelled.cancelled_at = rec.at;
    soon_cancelled.cancel_reason = "The vendor postponed it";
    CHECK(cancelled.window == soon_cancelled);
    CHECK(list_maintenance(repo) == std::vector<Maintenance>{past.window, soon_cancelled, added.window});
    CHECK(sh(dir.path(), "git log -1 --format=%B") ==
          "maintenance " + soon.window.id + ": cancel \"Load balancer swap\"\n\nMaintenance: " + soon.window.id +
              "\n\n");
    CHECK(sh(dir.path(), "git status --porcelain") == "");
    CHECK(resolve_maintenance_id(repo, soon.window.id.substr(13)) == soon.window.id);
  }

  TEST_CASE("the branch layout keeps the windows on the branch, never in the work tree") {
    TempDir dir;
    sh(dir.path(), "git init -q . && git -c user.name=A -c user.email=a@example.com commit -q --allow-empty -m code");
    Repository repo = repository_with_services(dir, {.branch = "incidents"});
    const Recorder rec = recorder();
    const MaintenanceResult added = add_maintenance(
        repo, request("Database upgrade", rec.now + std::chrono::hours(1), rec.now + std::chrono::hours(2)),
        PastWindow::refused, rec);
    CHECK(list_maintenance(repo) == std::vector<Maintenance>{added.window});
    CHECK(!std::filesystem::exists(dir.path() / "maintenance"));
    CHECK(sh(dir.path(), "git ls-tree -r --name-only incidents maintenance") == added.window.path + "\n");
  }

  TEST_CASE("bad requests are refused before anything is committed") {
    TempDir dir;
    Repository repo = repository_with_services(dir);
    const Recorder rec = recorder();
    const std::string before = head(dir);
    const Timestamp t = rec.now + std::chrono::hours(1);
    MaintenanceRequest unknown = request("Upgrade", t, t + std::chrono::hours(1));
    unknown.services = {"billing"};
    CHECK(code_of([&] { add_maintenance(repo, unknown, PastWindow::refused, rec); }) == Errc::usage);
    CHECK(code_of([&] { add_maintenance(repo, request("Upgrade", t, t), PastWindow::refused, rec); }) == Errc::usage);
    CHECK(code_of([&] {
            add_maintenance(repo, request(" ", t, t + std::chrono::hours(1)), PastWindow::refused, rec);
          }) == Errc::usage);
    const Timestamp ago = rec.now - std::chrono::hours(2);
    CHECK(code_of([&] {
            add_maintenance(repo, request("Upgrade", ago, ago + std::chrono::hours(1)), PastWindow::refused, rec);
          }) == Errc::usage);
    CHECK(head(dir) == before);
  }

  TEST_CASE("a window cancelled already, or over, cannot be cancelled") {
    TempDir dir;
    Repository repo = repository_with_services(dir);
    const Recorder rec = recorder();
    const Timestamp ago = rec.now - std::chrono::hours(2);
    const auto over =
        add_maintenance(repo, request("Upgrade", ago, ago + std::chrono::hours(1)), PastWindow::recorded, rec);
    const auto ahead =
        add_maintenance(repo, request("Swap", rec.now + std::chrono::hours(1), rec.now + std::chrono::hours(2)),
                        PastWindow::refused, rec);
    cancel_maintenance(repo, ahead.window.id, "postponed", rec);
    const std::string before = head(dir);
    CHECK(code_of([&] { cancel_maintenance(repo, over.window.id, "too late", rec); }) == Errc::refused);
    CHECK(code_of([&] { cancel_maintenance(repo, ahead.window.id, "again", rec); }) == Errc::refused);
    CHECK(code_of([&] { resolve_maintenance_id(repo, "ZZZZZZ"); }) == Errc::not_found);
    CHECK(head(dir) == before);
  }

  TEST_CASE("the commit refuses a window's file that does not validate") {
    TempDir dir;
    Repository repo = new_repository(dir);
    const std::string before = head(dir);
    const std::string bad = replace(render_maintenance(upgrade()), "title = \"Upgrade: db, cache; C:\\\\tmp\"\n", "");
    CHECK(code_of([&] {
            repo.commit({FileWrite{.path = upgrade().path, .content = bad}}, "bad", kAlice, now_utc());
          }) == Errc::data);
    CHECK(head(dir) == before);
    CHECK(!std::filesystem::exists(dir.path() / upgrade().path));
  }
}

}  // namespace test_maintenance
