// irctl recover ID ACTION: restoring service.

#include "cmd/commands.hpp"

namespace irctl::cli {

void register_recover(CLI::App& app, Context& ctx) {
  register_phase_command(app, ctx, "recover", "recovery",
                         "Record a recovery action: service being restored (moves the status to recovery)",
                         "  irctl recover @ \"Restored db-3 from the 02:00 snapshot\"\n"
                         "  irctl recover K7Q \"Traffic back on all regions; watching error rates\"",
                         PhaseEvidence::none);
}

}  // namespace irctl::cli
