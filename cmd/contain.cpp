// irctl contain ID ACTION: a containment action, with evidence.

#include "cmd/commands.hpp"

namespace irctl::cli {

void register_contain(CLI::App& app, Context& ctx) {
  register_phase_command(app, ctx, "contain", "containment",
                         "Record a containment action (moves the status to containment), with evidence files",
                         "  irctl contain @ \"Disabled the compromised API key\" --evidence access.log\n"
                         "  irctl contain @ \"Isolated db-3 from the network\" --evidence db3.img --hash-only\n"
                         "  irctl contain K7Q Rolled back deploy 4711",
                         PhaseEvidence::files);
}

}  // namespace irctl::cli
