#include <doctest/doctest.h>

#include "support.hpp"

namespace test_cli {

using namespace irctl::testing;

TEST_SUITE("cli") {
  TEST_CASE("every command has help with examples") {
    for (const char* cmd : {"init", "declare", "note", "show", "timeline", "list", "log", "use", "completion"}) {
      CAPTURE(cmd);
      const CliRun r = run_cli({cmd, "--help"}, "/");
      CHECK(r.status == 0);
      CHECK(r.out.find("Examples:") != std::string::npos);
    }
    CHECK(run_cli({"--help"}, "/").status == 0);
  }

  TEST_CASE("usage errors exit 2 and say what to do") {
    const CliRun none = run_cli({}, "/");
    CHECK(none.status == 2);
    const CliRun typo = run_cli({"delcare", "x"}, "/");
    CHECK(typo.status == 2);
    CHECK(typo.err.find("irctl: error: unknown command 'delcare'") == 0);
    CHECK(typo.err.find("did you mean 'irctl declare'") != std::string::npos);
    const CliRun flag = run_cli({"list", "--bogus"}, "/");
    CHECK(flag.status == 2);
    CHECK(flag.err.find("hint: run 'irctl list --help'") != std::string::npos);
  }

  TEST_CASE("errors are JSON on stderr with --json") {
    TempDir dir;
    const CliRun r = run_cli({"--json", "list"}, dir.path().string());
    CHECK(r.status == 3);
    CHECK(r.out.empty());
    const auto j = nlohmann::json::parse(r.err);
    CHECK(j["error"]["code"] == "not_found");
    CHECK(j["error"]["exit"] == 3);
    CHECK(j["error"]["hint"].get<std::string>().find("irctl init") != std::string::npos);
  }

  TEST_CASE("a whole session in-process: init, declare, note, show") {
    TempDir dir;
    const std::string root = dir.path().string();
    REQUIRE(run_cli({"init"}, root).status == 0);
    const CliRun d = run_cli({"-q", "declare", "Checkout", "API", "returns", "503", "-s", "sev2"}, root);
    REQUIRE(d.status == 0);
    const std::string id = d.out.substr(0, d.out.find('\n'));
    CHECK(d.err.empty());  // -q: only the ID
    CHECK(run_cli({"note", "@", "-"}, root, {.in = "from stdin\nsecond line\n"}).status == 0);
    const CliRun show = run_cli({"show", id.substr(13), "--json"}, root);
    REQUIRE(show.status == 0);
    const auto j = nlohmann::json::parse(show.out);
    CHECK(j["title"] == "Checkout API returns 503");
    CHECK(j["severity"] == "SEV2");
    CHECK(j["timeline"][1]["text"] == "from stdin\nsecond line");
  }

  TEST_CASE("show colours the line of missing roles red on a terminal, and no other") {
    TempDir dir;
    const std::string root = dir.path().string();
    REQUIRE(run_cli({"init"}, root).status == 0);
    const CliRun d = run_cli({"-q", "declare", "Checkout down", "-s", "sev1"}, root);
    REQUIRE(d.status == 0);
    const std::string id = d.out.substr(0, d.out.find('\n'));
    // A value in an earlier row that reads like the row's name.
    REQUIRE(run_cli({"-q", "assign", id, "sme", "Ann  missing"}, root).status == 0);
    const CliRun plain = run_cli({"show", id}, root, {.tty = false});
    REQUIRE(plain.status == 0);
    const CliRun coloured = run_cli({"show", id}, root, {.tty = true});
    REQUIRE(coloured.status == 0);
    const auto red = [](const std::string& s) { return "\x1b[31m" + s + "\x1b[0m"; };
    const auto bold = [](const std::string& s) { return "\x1b[1m" + s + "\x1b[0m"; };
    const std::string line =
        "  missing       role commander, role comms-external, escalation to level 2 (required for SEV1)";
    std::string expected = plain.out;
    REQUIRE(expected.find("\n" + line + "\n") != std::string::npos);
    expected.replace(expected.find("\n" + line + "\n") + 1, line.size(), red(line));
    expected.replace(0, id.size(), bold(id));
    expected.replace(expected.find("\nTimeline\n") + 1, 8, bold("Timeline"));
    CHECK(coloured.out == expected);
  }

  TEST_CASE("completion candidates come from the command tree") {
    TempDir dir;
    const CliRun commands = run_cli({"__complete", ""}, dir.path().string());
    CHECK(commands.status == 0);
    CHECK(commands.out.find("declare\t") != std::string::npos);
    CHECK(commands.out.find("__complete") == std::string::npos);
    const CliRun options = run_cli({"__complete", "declare", "--sev"}, dir.path().string());
    CHECK(options.status == 0);
    CHECK(options.out == "--severity\tSeverity level (see .irctl/config.toml; default from [defaults])\n");
    const CliRun values = run_cli({"__complete", "declare", "--severity", ""}, dir.path().string());
    CHECK(values.status == 0);
    CHECK(values.out.find("SEV1\tCritical\n") == 0);
  }

  TEST_CASE("each command's registrar builds that command and no other, so that a run builds only the one typed") {
    for (const irctl::cli::Command& command : irctl::cli::commands()) {
      CAPTURE(command.name);
      std::istringstream in;
      std::ostringstream out, err;
      irctl::cli::Io io{in, out, err};
      irctl::cli::Context ctx(io, irctl::cli::Env{});
      CLI::App app;
      command.registrar(app, ctx);
      std::vector<std::string> built;
      for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; })) built.push_back(sub->get_name());
      CHECK(built == std::vector<std::string>{std::string(command.name)});
    }
  }
}

}  // namespace test_cli
