#include <doctest/doctest.h>

#include "core/error.hpp"
#include "core/model/config.hpp"

namespace test_config {

using namespace irctl;

namespace {
std::string error_of(const std::string& text) {
  try {
    parse_config(text);
  } catch (const Error& e) {
    CHECK(e.code() == Errc::data);
    return e.what();
  }
  FAIL("no error for:\n", text);
  return "";
}

const std::string kMinimal =
    "[[severity]]\nname = \"SEV1\"\n[[role]]\nname = \"commander\"\n[[kind]]\nname = \"outage\"\n";
}  // namespace

TEST_SUITE("config") {
  TEST_CASE("the defaults that init writes are valid and complete") {
    const Config c = parse_config(default_config_text());
    REQUIRE(c.severities.size() == 4);
    CHECK(c.severities.front().name == "SEV1");
    CHECK(c.severities.front().requires_roles == std::vector<std::string>{"commander", "comms-external"});
    CHECK(c.severities.front().min_escalation == 2);
    for (const char* role : {"commander", "tech-lead", "comms-internal", "comms-external", "support-lead", "sme",
                             "social-media", "problem-manager"})
      CHECK_MESSAGE(c.find_role(role), role);
    CHECK(c.find_role("tech-lead")->multiple);
    CHECK_FALSE(c.find_role("commander")->multiple);
    for (const char* kind : {"outage", "malware", "unauthorized-access", "data-breach", "denial-of-service",
                             "phishing", "insider"})
      CHECK_MESSAGE(c.find_kind(kind), kind);
    CHECK(c.find_kind("data-breach")->security);
    CHECK_FALSE(c.find_kind("outage")->security);
    REQUIRE(c.policies.size() == 1);
    CHECK(c.policies[0].levels.size() == 3);
    CHECK(c.policies[0].levels[0].timeout == std::chrono::minutes(15));
    CHECK(c.default_severity == "SEV3");
    CHECK(c.default_kind == "outage");
  }

  TEST_CASE("names are matched without regard to case") {
    const Config c = parse_config(default_config_text());
    CHECK(c.resolve_severity("sev1") == "SEV1");
    CHECK(c.resolve_kind("DATA-BREACH") == "data-breach");
    try {
      c.resolve_severity("P1");
      FAIL("no error");
    } catch (const Error& e) {
      CHECK(e.code() == Errc::usage);
      CHECK(e.hint().find("SEV1, SEV2, SEV3, SEV4") != std::string::npos);
    }
  }

  TEST_CASE("a minimal configuration takes its defaults from its own lists") {
    const Config c = parse_config(kMinimal);
    CHECK(c.default_severity == "SEV1");
    CHECK(c.default_kind == "outage");
    CHECK(c.default_policy.empty());
  }

  TEST_CASE("invalid configurations are refused with the place and the reason") {
    CHECK(error_of(kMinimal + "[[severity]]\nname = \"sev1\"\n").find("defined twice") != std::string::npos);
    CHECK(error_of("[[severity]]\nname = \"SEV 1\"\n[[role]]\nname=\"c\"\n[[kind]]\nname=\"o\"\n")
              .find(".irctl/config.toml:1:1: severity name 'SEV 1'") == 0);
    CHECK(error_of("[[role]]\nname=\"c\"\n[[kind]]\nname=\"o\"\n").find("no severity") != std::string::npos);
    CHECK(error_of(kMinimal + "[[escalation_policy]]\nname = \"p\"\n[[escalation_policy.level]]\ntargets = "
                              "[\"x\"]\ntimeout = \"soon\"\n")
              .find(":11:11: invalid duration 'soon'") != std::string::npos);
    CHECK(error_of(kMinimal + "[[escalation_policy]]\nname = \"p\"\n").find("has no") != std::string::npos);
    CHECK(error_of(kMinimal + "[defaults]\nseverity = \"SEV9\"\n").find("'SEV9'") != std::string::npos);
    CHECK(error_of(kMinimal + "[[service]]\nname = \"api\"\nescalation_policy = \"nope\"\n")
              .find("unknown escalation policy 'nope'") != std::string::npos);
    CHECK(error_of("[[severity]]\nname = \"SEV1\"\nrequires_roles = [\"boss\"]\n[[role]]\nname = "
                   "\"commander\"\n[[kind]]\nname = \"outage\"\n")
              .find("unknown role 'boss'") != std::string::npos);
    CHECK(error_of("[[severity]]\nname = 1\n").find(":2:8: 'name' must be a string") != std::string::npos);
    CHECK(error_of("schema = 2\n" + kMinimal).find("upgrade irctl") != std::string::npos);
    CHECK(error_of(kMinimal + "[[severity]]\nname = \"SEV2\"\nrequires_role = [\"commander\"]\n")
              .find(":9:17: unknown key 'requires_role'; did you mean 'requires_roles'?") != std::string::npos);
    CHECK(error_of("colour = 1\n" + kMinimal).find(":1:10: unknown key 'colour'") != std::string::npos);
    CHECK(error_of("severity = [").find(".irctl/config.toml:2:1: invalid TOML") == 0);
  }
}

}  // namespace test_config
