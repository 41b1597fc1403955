#include <doctest/doctest.h>

#include <sys/stat.h>

#include <fstream>

#include "core/error.hpp"
#include "core/hooks.hpp"
#include "core/lifecycle.hpp"
#include "core/model/ids.hpp"
#include "support.hpp"

namespace test_lifecycle {

using namespace irctl;
using namespace irctl::testing;

namespace {
Recorder at_minutes_ago(int minutes) {
  const Timestamp now = now_utc();
  return Recorder{kAlice, now - std::chrono::minutes(minutes), now};
}

struct Fixture {
  TempDir dir;
  Repository repo;
  std::string id;

  explicit Fixture(const std::string& severity = "SEV2", int minutes_ago = 0)
      : repo(new_repository(dir)) {
    DeclareRequest r;
    r.title = "Checkout API returns 503";
    r.severity = severity;
    id = declare_incident(repo, r, at_minutes_ago(minutes_ago)).incident_id;
  }
  Incident incident() { return load_incident(repo, id).incident(); }
  size_t events() { return incident().timeline.size(); }
  /// Makes `script` (a shell script's body) the repository's on-event hook.
  void install_hook(const std::string& script) {
    const auto hook = dir.path() / kEventHookPath;
    std::filesystem::create_directories(hook.parent_path());
    std::ofstream(hook) << "#!/bin/sh\n" << script;
    ::chmod(hook.c_str(), 0755);
  }
};

}  // namespace

TEST_SUITE("lifecycle") {
  TEST_CASE("severity changes record from and to; the same level changes nothing") {
    Fixture f;
    const auto r = change_severity(f.repo, f.id, "sev1", "all regions", recorder());
    CHECK(r.event.text == "SEV2 -> SEV1: all regions");
    CHECK(r.event.details.at("from").as_string().str == "SEV2");
    CHECK(f.incident().severity == "SEV1");
    const auto again = change_severity(f.repo, f.id, "SEV1", "", recorder());
    CHECK_FALSE(again.recorded);
    CHECK(f.events() == 2);
    CHECK(code_of([&] { change_severity(f.repo, f.id, "SEV9", "", recorder()); }) == Errc::usage);
  }

  TEST_CASE("SEV1 needs a commander, external comms and escalation level 2") {
    Fixture f("SEV1");
    const Config& config = f.repo.config();
    auto missing = missing_requirements(f.incident(), config);
    REQUIRE(missing.size() == 3);
    CHECK(missing[0].role == "commander");
    CHECK(missing[1].role == "comms-external");
    CHECK(missing[2].escalation_level == 2);
    assign_role(f.repo, f.id, {"commander", "alice", "", false}, recorder());
    assign_role(f.repo, f.id, {"comms-external", "dave", "", false}, recorder());
    escalate(f.repo, f.id, std::nullopt, "", recorder());
    CHECK(missing_requirements(f.incident(), config).empty());
  }

  TEST_CASE("roles: one commander with handover, one tech lead per workstream, removal") {
    Fixture f;
    CHECK_FALSE(f.incident().acknowledged_at);
    assign_role(f.repo, f.id, {"commander", "alice", "", false}, recorder());
    CHECK(f.incident().acknowledged_at);  // the first commander stops the clock
    const auto handover = assign_role(f.repo, f.id, {"commander", "bob", "", false}, recorder());
    CHECK(handover.event.text == "commander: alice -> bob");
    CHECK(f.incident().people_in("commander") == std::vector<std::string>{"bob"});

    assign_role(f.repo, f.id, {"tech-lead", "carol", "db", false}, recorder());
    assign_role(f.repo, f.id, {"tech-lead", "erin", "api", false}, recorder());
    const auto takeover = assign_role(f.repo, f.id, {"tech-lead", "dan", "db", false}, recorder());
    CHECK(takeover.event.text == "tech-lead [db]: carol -> dan");
    const auto leads = f.incident().people_in("tech-lead");
    CHECK(leads == std::vector<std::string>{"erin", "dan"});

    assign_role(f.repo, f.id, {"sme", "frank", "", false}, recorder());
    assign_role(f.repo, f.id, {"sme", "frank", "", true}, recorder());
    CHECK(f.incident().people_in("sme").empty());
    CHECK(code_of([&] { assign_role(f.repo, f.id, {"sme", "frank", "", true}, recorder()); }) == Errc::usage);
    CHECK(code_of([&] { assign_role(f.repo, f.id, {"commander", "x", "db", false}, recorder()); }) == Errc::usage);
    CHECK(code_of([&] { assign_role(f.repo, f.id, {"boss", "x", "", false}, recorder()); }) == Errc::usage);
  }

  TEST_CASE("the first ack is the one that counts; a second one changes nothing and records nothing") {
    Fixture f("SEV2", 10);  // declared before the first ack: earlier events are refused
    CHECK(acknowledge(f.repo, f.id, at_minutes_ago(3)).recorded);
    const auto first = f.incident().acknowledged_at;
    REQUIRE(first);
    const std::string tip = git::oid_hex(*f.repo.tip());
    const EventResult again = acknowledge(f.repo, f.id, recorder());
    CHECK_FALSE(again.recorded);
    CHECK(f.incident().acknowledged_at == first);
    CHECK(f.events() == 2);
    CHECK(git::oid_hex(*f.repo.tip()) == tip);
  }

  TEST_CASE("escalation walks the policy, then refuses; --to goes anywhere") {
    Fixture f;
    CHECK(f.incident().escalation_level == 1);  // declaring pages level 1
    CHECK(f.incident().escalation_policy == "default");
    const auto r = escalate(f.repo, f.id, std::nullopt, "no answer", recorder());
    CHECK(r.event.text == "level 2 of default: secondary-oncall, team-lead (no answer)");
    escalate(f.repo, f.id, std::nullopt, "", recorder());
    CHECK(f.incident().escalation_level == 3);
    CHECK(code_of([&] { escalate(f.repo, f.id, std::nullopt, "", recorder()); }) == Errc::refused);
    const auto to = escalate(f.repo, f.id, std::string("cto"), "", recorder());
    CHECK(to.event.text == "to cto");
    CHECK(f.incident().escalation_level == 3);
  }

  TEST_CASE("escalate --due escalates a timed-out level once, and never an acknowledged incident") {
    Fixture f("SEV2", 20);  // level 1 times out after 15 minutes
    DeclareRequest fresh;
    fresh.title = "fresh";
    const auto fresh_id = declare_incident(f.repo, fresh, recorder()).incident_id;
    DeclareRequest acked;
    acked.title = "acked";
    const auto acked_id = declare_incident(f.repo, acked, at_minutes_ago(40)).incident_id;
    acknowledge(f.repo, acked_id, at_minutes_ago(39));

    const auto first = escalate_due(f.repo, recorder()).escalated;
    REQUIRE(first.size() == 1);
    CHECK(first[0].incident_id == f.id);
    CHECK(f.incident().escalation_level == 2);
    CHECK(escalate_due(f.repo, recorder()).escalated.empty());  // level 2 has 30 minutes
    CHECK(load_incident(f.repo, fresh_id).incident().escalation_level == 1);
    CHECK(load_incident(f.repo, acked_id).incident().escalation_level == 1);
  }

  TEST_CASE("phases move the status forward only") {
    Fixture f;
    record_phase_action(f.repo, f.id, {"recovery", "Restored from snapshot", {}, false}, recorder());
    CHECK(f.incident().status == "recovery");
    CHECK(f.incident().recovered_at);
    const auto late = record_phase_action(f.repo, f.id, {"containment", "Blocked the IP range", {}, false}, recorder());
    CHECK(f.incident().status == "recovery");
    CHECK(late.event.set.count("status") == 0);
    CHECK(f.incident().contained_at);
  }

  TEST_CASE("resolved and closed incidents refuse actions and say how to reopen") {
    Fixture f;
    resolve_incident(f.repo, f.id, std::string("Rolled back"), std::string("Pool leak"), recorder());
    CHECK(f.incident().status == "resolved");
    CHECK(f.incident().root_cause == "Pool leak");
    const size_t before = f.events();
    try {
      record_phase_action(f.repo, f.id, {"containment", "late", {}, false}, recorder());
      FAIL("no error");
    } catch (const Error& e) {
      CHECK(e.code() == Errc::refused);
      CHECK(e.hint().find("irctl reopen " + f.id) != std::string::npos);
    }
    CHECK(code_of([&] { change_severity(f.repo, f.id, "SEV1", "", recorder()); }) == Errc::refused);
    CHECK(code_of([&] { escalate(f.repo, f.id, std::nullopt, "", recorder()); }) == Errc::refused);
    CHECK(code_of([&] { resolve_incident(f.repo, f.id, std::nullopt, std::nullopt, recorder()); }) == Errc::refused);
    post_update(f.repo, f.id, "All clear", "external", recorder());  // still welcome once resolved
    CHECK(f.events() == before + 1);

    CHECK(code_of([&] { close_incident(f.repo, f.id, ClosePolicy::needs_postmortem, recorder()); }) ==
          Errc::refused);  // no postmortem
    close_incident(f.repo, f.id, ClosePolicy::forced, recorder());
    CHECK(f.incident().status == "closed");
    CHECK(code_of([&] { post_update(f.repo, f.id, "more", "internal", recorder()); }) == Errc::refused);
    SetRequest new_title;
    new_title.title = "x";
    CHECK(code_of([&] { set_fields(f.repo, f.id, new_title, recorder()); }) ==
          Errc::refused);

    reopen_incident(f.repo, f.id, "errors are back", recorder());
    const Incident reopened = f.incident();
    CHECK(reopened.status == "identification");
    CHECK_FALSE(reopened.resolved_at);
    CHECK_FALSE(reopened.closed_at);
    CHECK(code_of([&] { reopen_incident(f.repo, f.id, "again", recorder()); }) == Errc::refused);
  }

  TEST_CASE("close needs a resolved incident and, unless forced, a postmortem") {
    Fixture f;
    CHECK(code_of([&] { close_incident(f.repo, f.id, ClosePolicy::forced, recorder()); }) == Errc::refused);
    resolve_incident(f.repo, f.id, std::nullopt, std::nullopt, recorder());
    std::filesystem::create_directories(f.dir.path() / "postmortems");
    std::ofstream(f.dir.path() / postmortem_path(f.id)) << "# Postmortem\n";
    CHECK(code_of([&] { close_incident(f.repo, f.id, ClosePolicy::needs_postmortem, recorder()); }) ==
          Errc::refused);  // not committed
    f.repo.commit({{postmortem_path(f.id), "# Postmortem\n"}}, "postmortem", kAlice, now_utc());
    const auto r = close_incident(f.repo, f.id, ClosePolicy::needs_postmortem, recorder());
    CHECK(r.event.text == "closed");
    CHECK_FALSE(close_incident(f.repo, f.id, ClosePolicy::needs_postmortem, recorder()).recorded);
  }

  TEST_CASE("evidence is hashed, sized and kept by its hash") {
    Fixture f;
    const auto file = f.dir.path() / "access.log";
    std::ofstream(file) << "abc";
    const Evidence ev = hash_evidence(file.string());
    CHECK(ev.sha256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(ev.size == 3);
    const auto r = record_phase_action(f.repo, f.id, {"containment", "Revoked the key", {file.string()}, false}, recorder());
    const auto& item = r.event.details.at("evidence").as_array().at(0).as_table();
    CHECK(item.at("collected_by").as_string().str == "Alice Example <alice@example.com>");
    const std::string stored = item.at("stored").as_string().str;
    CHECK(stored == "evidence/ba/" + ev.sha256);
    CHECK(f.repo.read(stored) == std::optional<std::string>("abc"));
    f.repo.require_clean(stored);  // committed with the event

    const auto hash_only =
        record_phase_action(f.repo, f.id, {"containment", "Imaged the disk", {file.string()}, true}, recorder());
    CHECK(hash_only.event.details.at("evidence").as_array().at(0).as_table().count("stored") == 0);
    CHECK(code_of([&] { record_phase_action(f.repo, f.id, {"containment", "x", {"/no/such/file"}, false}, recorder()); }) ==
          Errc::usage);
  }

  TEST_CASE("playbook steps become tasks that are ticked off on the timeline") {
    Fixture f;
    const Incident inc = f.incident();
    REQUIRE(inc.tasks.size() == 8);  // the default outage playbook
    mark_task(f.repo, f.id, 2, MarkAs::done, recorder());
    CHECK(f.incident().tasks[1].done);
    CHECK(f.incident().tasks[1].done_by == "Alice Example <alice@example.com>");
    CHECK_FALSE(mark_task(f.repo, f.id, 2, MarkAs::done, recorder()).recorded);
    mark_task(f.repo, f.id, 2, MarkAs::open, recorder());
    CHECK_FALSE(f.incident().tasks[1].done);
    CHECK(code_of([&] { mark_task(f.repo, f.id, 9, MarkAs::done, recorder()); }) == Errc::usage);

    DeclareRequest breach;
    breach.title = "Leaked credentials";
    breach.kind = "data-breach";
    const auto id = declare_incident(f.repo, breach, recorder()).incident_id;
    CHECK(load_incident(f.repo, id).incident().tasks.size() == 9);  // the security playbook
  }

  TEST_CASE("set changes descriptive fields, and nothing when they are already so") {
    Fixture f;
    SetRequest req;
    req.impact = "30% of checkouts failed";
    req.add_channels = {"#inc-checkout"};
    set_fields(f.repo, f.id, req, recorder());
    CHECK(f.incident().impact == "30% of checkouts failed");
    CHECK(f.incident().channels == std::vector<std::string>{"#inc-checkout"});
    CHECK_FALSE(set_fields(f.repo, f.id, req, recorder()).recorded);
    CHECK(code_of([&] { set_fields(f.repo, f.id, SetRequest{}, recorder()); }) == Errc::usage);
    CHECK(code_of([&] { post_update(f.repo, f.id, "x", "everyone", recorder()); }) == Errc::usage);
  }

  TEST_CASE("the on-event hook gets the event as JSON; failures are warnings") {
    Fixture f;
    const auto seen = f.dir.path() / "seen.json";
    f.install_hook("cat > '" + seen.string() + "'\n");
    const auto r = add_note(f.repo, f.id, "hello hook", recorder());
    CHECK_FALSE(r.hook_warning);
    std::ifstream in(seen);
    const Json payload = Json::parse(in);
    CHECK(payload["event"]["text"] == "hello hook");
    CHECK(payload["incident"]["id"] == f.id);

    f.install_hook("exit 3\n");
    const auto failed = add_note(f.repo, f.id, "again", recorder());
    REQUIRE(failed.hook_warning);
    CHECK(failed.hook_warning->find("exit status 3") != std::string::npos);
    CHECK(f.events() == 3);  // recorded all the same

    f.install_hook("sleep 30\n");
    ::setenv("IRCTL_HOOK_TIMEOUT", "0.2", 1);
    const auto slow = add_note(f.repo, f.id, "slow", recorder());
    ::unsetenv("IRCTL_HOOK_TIMEOUT");
    REQUIRE(slow.hook_warning);
    CHECK(slow.hook_warning->find("was stopped") != std::string::npos);
  }

  TEST_CASE("a hook timeout that is not a number of seconds is a warning, and the hook is not run") {
    Fixture f;
    const auto ran = f.dir.path() / "ran";
    f.install_hook("touch '" + ran.string() + "'\n");
    ::setenv("IRCTL_HOOK_TIMEOUT", "10s", 1);
    const auto r = add_note(f.repo, f.id, "hello hook", recorder());
    ::unsetenv("IRCTL_HOOK_TIMEOUT");
    CHECK(r.hook_warning == std::optional<std::string>(
                                "IRCTL_HOOK_TIMEOUT is '10s', not a number of seconds: .irctl/hooks/on-event was "
                                "not run; the event is recorded"));
    CHECK_FALSE(std::filesystem::exists(ran));
    CHECK(f.events() == 2);
  }
}

}  // namespace test_lifecycle
