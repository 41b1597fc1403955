#pragma once
// Timeline events in a compact binary form, for irctl's own caches in the git
// directory (never committed, never read by anything else): decoding 10,000
// events this way is many times faster than parsing their TOML again.

#include <string>
#include <string_view>
#include <vector>

#include "core/model/incident.hpp"

namespace irctl {

/// The events, every field and every TOML value in `details` and `set` (their
/// comments included), so that decode_events gives back equal events. The
/// encodings of two lists, one after the other, are the encoding of both.
/// The layout has no version of its own: the cache that keeps it has one
/// (timelines.cpp), to change with it.
std::string encode_events(const std::vector<Event>& events);

/// The `count` events that encode_events wrote into `bytes`;
/// Error(Errc::data) when `bytes` is not that (a cache file damaged).
std::vector<Event> decode_events(std::string_view bytes, size_t count);

}  // namespace irctl
