#pragma once
// The inbox of irctl serve (issue 18): alert deliveries kept on disk before
// the sender is answered, so that none is lost when the server, or the
// machine, dies before the delivery is committed. A delivery is written to
// .git/irctl/inbox/ and flushed to the disk (fsync, the file then its
// folder); only then may the server answer 2xx. It is taken out of the
// inbox once ingested: committed, or found to change nothing (a repeat).
// Ingest is idempotent (an alert's keys find its incident), so a delivery
// ingested twice, when the server died between the commit and the removal,
// changes nothing the second time.
//
// A body that no format reads is moved to .git/irctl/inbox/rejected/ with
// the reason beside it: it was acknowledged, so it is kept for a person.

#include <optional>
#include <string>
#include <vector>

#include "core/ingest.hpp"

namespace irctl {

struct Delivery {
  std::string format = "auto";  ///< ingest_formats()
  std::string sender;           ///< the token's or the secret's name, for the logs; empty: none
  Timestamp received_at{};
  std::string body;
};

struct SpooledDelivery {
  std::string name;  ///< the file's name in the inbox: YYYYmmddTHHMMSS.nnnnnnnnn-PID-N.json, in arrival order
  Delivery delivery;
};

/// Keeps the delivery in the inbox, durably; returns its name. Throws
/// Error(Errc::failure) when it cannot (a full disk): the server must then
/// answer 5xx, so that the sender retries.
std::string spool_delivery(const Repository& repo, const Delivery& d);

/// The deliveries in the inbox, oldest first: those a server that stopped
/// did not finish, for the next one to ingest first. A file that cannot be
/// read as a delivery is moved to rejected/.
std::vector<SpooledDelivery> spooled_deliveries(const Repository& repo);

struct InboxOutcome {
  std::optional<IngestResult> ingested;  ///< nullopt: the body was rejected
  std::string rejected_because;          ///< Errc::data's message, when rejected
};

/// Ingests one spooled delivery, then takes it out of the inbox (to
/// rejected/ when its body is not an alert). Errors other than a bad body
/// (the repository busy, a full disk) are thrown and leave it in the
/// inbox, for a retry.
InboxOutcome ingest_spooled(Repository& repo, const SpooledDelivery& s, const Recorder& rec);

/// Moves a delivery that can never be ingested (the lifecycle refuses what
/// it says) to rejected/, with the reason beside it.
void reject_spooled(const Repository& repo, const std::string& name, const std::string& reason);

}  // namespace irctl
