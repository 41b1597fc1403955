// irctl eradicate ID ACTION: removing the cause.

#include "cmd/commands.hpp"

namespace irctl::cli {

void register_eradicate(CLI::App& app, Context& ctx) {
  register_phase_command(app, ctx, "eradicate", "eradication",
                         "Record an eradication action: the cause removed (moves the status to eradication)",
                         "  irctl eradicate @ \"Removed the web shell and patched CVE-2026-1234\"\n"
                         "  irctl eradicate K7Q Fixed the retry storm in the client library",
                         PhaseEvidence::none);
}

}  // namespace irctl::cli
